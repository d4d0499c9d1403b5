"""What the raw-data rules know about reading, writing, moving and deleting files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PathArg:
    """Where a call takes a path: its keyword and position."""

    keyword: str
    position: int


_FIRST = PathArg("path", 0)

# Functions that read a file: qualified name -> path argument.
READS: dict[str, PathArg] = {
    **{
        f"pandas.read_{kind}": PathArg("filepath_or_buffer", 0)
        for kind in (
            "csv table fwf json parquet feather pickle excel hdf orc sas spss "
            "stata xml".split()
        )
    },
    "numpy.load": PathArg("file", 0),
    "numpy.loadtxt": PathArg("fname", 0),
    "numpy.genfromtxt": PathArg("fname", 0),
    "numpy.fromfile": PathArg("file", 0),
    "joblib.load": PathArg("filename", 0),
    "torch.load": PathArg("f", 0),
    "cv2.imread": PathArg("filename", 0),
    "PIL.Image.open": PathArg("fp", 0),
    "polars.read_csv": PathArg("source", 0),
    "polars.read_parquet": PathArg("source", 0),
}

# Functions that write, move or delete: qualified name -> (path argument, what).
WRITES: dict[str, tuple[PathArg, str]] = {
    "numpy.save": (PathArg("file", 0), "writes"),
    "numpy.savez": (PathArg("file", 0), "writes"),
    "numpy.savez_compressed": (PathArg("file", 0), "writes"),
    "numpy.savetxt": (PathArg("fname", 0), "writes"),
    "joblib.dump": (PathArg("filename", 1), "writes"),
    "torch.save": (PathArg("f", 1), "writes"),
    "cv2.imwrite": (PathArg("filename", 0), "writes"),
    "os.remove": (_FIRST, "deletes"),
    "os.unlink": (_FIRST, "deletes"),
    "os.rename": (PathArg("src", 0), "moves"),
    "os.replace": (PathArg("src", 0), "moves"),
    "shutil.move": (PathArg("src", 0), "moves"),
    "shutil.rmtree": (_FIRST, "deletes"),
}
# ... and the destination of copies and moves, which is written too.
WRITE_DESTINATIONS: dict[str, PathArg] = {
    "os.rename": PathArg("dst", 1),
    "os.replace": PathArg("dst", 1),
    "shutil.move": PathArg("dst", 1),
    "shutil.copy": PathArg("dst", 1),
    "shutil.copy2": PathArg("dst", 1),
    "shutil.copyfile": PathArg("dst", 1),
    "shutil.copytree": PathArg("dst", 1),
}

# Methods that write their first argument (DataFrame.to_csv(path), img.save(path)).
WRITE_METHODS = frozenset("""
    to_csv to_parquet to_json to_pickle to_feather to_excel to_hdf to_stata to_orc
    to_xml tofile write_csv write_parquet
    """.split())
# pathlib.Path methods that change the file the path names.
PATH_WRITE_METHODS = {
    "write_text": "writes",
    "write_bytes": "writes",
    "touch": "writes",
    "unlink": "deletes",
    "rename": "moves",
    "replace": "moves",
    "rmdir": "deletes",
}
PATH_READ_METHODS = frozenset({"read_text", "read_bytes"})

# `open` modes: which replace the file, and which change it in place.
TRUNCATING_MODES = frozenset("wx")
IN_PLACE_MODES = frozenset({"r+", "rb+", "r+b", "a", "ab", "a+", "ab+", "a+b"})
# Objects that open a file writable by default or by mode: name -> (path, mode
# argument, default mode).
MODE_OPENERS: dict[str, tuple[PathArg, PathArg, str]] = {
    "builtins.open": (PathArg("file", 0), PathArg("mode", 1), "r"),
    "io.open": (PathArg("file", 0), PathArg("mode", 1), "r"),
    "h5py.File": (PathArg("name", 0), PathArg("mode", 1), "r"),
    "numpy.memmap": (PathArg("filename", 0), PathArg("mode", 2), "r+"),
    "pandas.HDFStore": (PathArg("path", 0), PathArg("mode", 1), "a"),
}
