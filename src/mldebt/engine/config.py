"""``[tool.mldebt]`` configuration: discovery, validation and rule selection.

A config is read once per ``pyproject.toml`` and once per process; files are matched
to the nearest ``pyproject.toml`` above them that has a ``[tool.mldebt]`` table. CLI
flags override what the file says. Every mistake is a ``ConfigError`` whose message
names the file, the key and what was expected.
"""

from __future__ import annotations

import difflib
import functools
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pathspec

from mldebt.engine.cache_files import linked_cache_folder
from mldebt.engine.catalog import RuleInfo, catalog_by_key, rule_catalog
from mldebt.engine.categories import categories
from mldebt.engine.options import Option

if TYPE_CHECKING:
    from mldebt.engine.rule import Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".mldebt_cache",
    ".svn",
    ".tox",
    ".venv",
    "venv",
    "__pypackages__",
    "__pycache__",
    "_build",
    "build",
    "dist",
    "node_modules",
    "site-packages",
)

# Test files: the families that say so (``OFF_IN_TESTS``) are off for them unless
# a project says otherwise (``per-file-ignores`` replaces this table,
# ``extend-per-file-ignores`` adds to it).
TEST_FILE_GLOBS = ("tests/", "test/", "test_*.py", "*_test.py", "conftest.py")
DEFAULT_PER_FILE_IGNORES: dict[str, list[str]] = {
    glob: [slug for slug, family in categories().items() if family.off_in_tests]
    for glob in TEST_FILE_GLOBS
}

_ENGINE_KEYS = {
    "select": "a list of rule codes, prefixes, names or categories",
    "extend-select": "a list of rule codes, prefixes, names or categories",
    "ignore": "a list of rule codes, prefixes, names or categories",
    "per-file-ignores": "a table of glob -> list of rule selectors",
    "extend-per-file-ignores": "a table of glob -> list of rule selectors",
    "exclude": "a list of glob patterns",
    "extend-exclude": "a list of glob patterns",
    "respect-gitignore": "a boolean",
    "rules": "a table of [tool.mldebt.rules.<CODE or name>] option tables",
}
# The older spellings of family options: top-level key -> (category, option).
OLD_FAMILY_KEYS = {
    key: (slug, name)
    for slug, family in categories().items()
    for key, name in family.older_keys
}
_KEYS = {
    **_ENGINE_KEYS,
    **{
        key: f"the older spelling of [tool.mldebt.{slug}] {name}"
        for key, (slug, name) in OLD_FAMILY_KEYS.items()
    },
}


class ConfigError(Exception):
    """A configuration or command-line mistake; the message is shown as is."""


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _selector_choices() -> list[str]:
    rules = rule_catalog()
    slugs = list(categories())
    return ["ALL", *slugs, *(r.code for r in rules), *(r.name for r in rules)]


def resolve_selector(selector: str, where: str, widen: bool = True) -> set[str]:
    """The rule codes one selector names: ``ALL``, a code, a code prefix, a name or a
    category slug. ``where`` is the place to name in the error message.

    With ``widen=False`` (selecting, not ignoring) a prefix or a category names only
    the rules that are on by default: an opt-in rule is chosen by its code or name.
    """
    rules = rule_catalog()
    token = selector.strip()
    if token.upper() == "ALL":
        return {rule.code for rule in rules}
    upper = token.upper()
    by_key = catalog_by_key()
    if token in by_key or upper in by_key:
        return {(by_key.get(token) or by_key[upper]).code}
    if upper.startswith("MLD"):
        matched = {
            rule.code
            for rule in rules
            if rule.code.startswith(upper) and (widen or rule.default_enabled)
        }
        if matched:
            return matched
    if token in categories():
        return {
            rule.code
            for rule in rules
            if rule.category == token and (widen or rule.default_enabled)
        }
    hint = _did_you_mean(token, _selector_choices())
    raise ConfigError(f"{where}: unknown rule selector '{selector}'{hint}")


def _resolve_all(selectors: Sequence[str], where: str, widen: bool = True) -> set[str]:
    codes: set[str] = set()
    for selector in selectors:
        codes |= resolve_selector(selector, where, widen)
    return codes


@dataclass(frozen=True)
class CliOverrides:
    """Selection flags given on the command line; they win over the config file."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    cache: bool = True


@dataclass(frozen=True)
class Settings:
    """Everything the engine needs to lint the files under one config file."""

    root: str
    config_path: str | None
    selected: tuple[str, ...]
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    cache: bool = True  # may write .mldebt_cache/ under root (--no-cache: never)
    # ``[tool.mldebt.<category>]``: the family options the config sets, by category.
    family_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The table as written and the command line's flags, for ``--show-settings``
    # (where each value came from); notes about the config to print once.
    table: Mapping[str, Any] = field(default_factory=dict, compare=False)
    cli: CliOverrides | None = field(default=None, compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def config_root(self) -> str | None:
        """The config's folder, or None when no config file applies."""
        return self.root if self.config_path is not None else None

    def family_value(self, category: str, name: str) -> Any:
        """The value of one family option: as configured, else its default."""
        configured = self.family_options.get(category, {})
        if name in configured:
            return configured[name]
        option = categories()[category].option(name)
        if option is None:
            raise KeyError(f"{category} has no option {name!r}")
        return option.default

    def family_values(self, category: str) -> dict[str, Any]:
        """Every option of the family ``category``, resolved (defaults filled in)."""
        return {
            option.name: self.family_value(category, option.name)
            for option in categories()[category].options
        }

    def options_for(self, rule: RuleInfo | type[Rule]) -> dict[str, Any]:
        """Every option ``rule`` reads, resolved: the defaults, then the family's
        table, then the rule's own table (which may override a family option)."""
        values = {option.name: option.default for option in rule.all_options()}
        values.update(self.family_options.get(rule.category, {}))
        values.update(self.rule_options.get(rule.code, {}))
        return values

    @functools.cached_property
    def _exclude_spec(self) -> pathspec.GitIgnoreSpec:
        return pathspec.GitIgnoreSpec.from_lines([*self.exclude, *self.extend_exclude])

    @functools.cached_property
    def _ignore_specs(
        self,
    ) -> tuple[tuple[pathspec.GitIgnoreSpec, frozenset[str]], ...]:
        return tuple(
            (pathspec.GitIgnoreSpec.from_lines([pattern]), codes)
            for pattern, codes in self.per_file_ignores
        )

    def relative(self, path: str) -> str:
        """``path`` relative to the config's directory, for glob matching."""
        absolute = os.path.abspath(path)
        relative = os.path.relpath(absolute, self.root)
        if relative.startswith(".."):
            # Outside the config's folder only the name itself is matched: the
            # folders above (a checkout under ~/build/...) must not exclude it.
            relative = os.path.basename(absolute)
        return relative.replace(os.sep, "/")

    def is_excluded(self, path: str, is_dir: bool = False) -> bool:
        """Whether ``exclude``/``extend-exclude`` match ``path`` or a folder above it."""
        relative = self.relative(path)
        if is_dir:
            relative += "/"
        return self._exclude_spec.match_file(relative)

    def ignored_codes(self, path: str) -> frozenset[str]:
        """Codes that ``per-file-ignores`` turns off for ``path``."""
        if not self.per_file_ignores:
            return frozenset()
        relative = self.relative(path)
        codes: set[str] = set()
        for spec, ignored in self._ignore_specs:
            if spec.match_file(relative):
                codes |= ignored
        return frozenset(codes)


def _expect_list(value: object, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(
            f"{where}: '{key}' must be {_KEYS.get(key, 'a list of strings')}"
        )
    return value


def _check_option(option: Option, value: object, key: str, where: str) -> None:
    """A ``ConfigError`` naming ``key`` when ``value`` is not of ``option``'s type
    (for a list of globs: when one does not compile)."""
    if not option.accepts(value):
        raise ConfigError(
            f"{where}: '{key}' must be {option.type_name}, "
            f"got {type(value).__name__} {value!r}"
        )
    if option.globs:
        _expect_globs(value, key, where)


def _unknown_option(name: str, known: Mapping[str, Option], nothing: str) -> str:
    """The hint after 'unknown option': a close name, the names, or ``nothing``."""
    if not known:
        return f" ({nothing})"
    return _did_you_mean(name, known) or f" (options: {', '.join(known)})"


def _validate_family_options(
    table: Mapping[str, Any], where: str
) -> dict[str, dict[str, Any]]:
    """The ``[tool.mldebt.<category>]`` tables, checked against each family's
    options, with the older top-level spellings (``raw-data-dirs``) folded in."""
    options: dict[str, dict[str, Any]] = {}
    for slug, category in categories().items():
        if slug not in table:
            continue
        values = table[slug]
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: '{slug}' must be a table of family options")
        known = {option.name: option for option in category.options}
        for name, value in values.items():
            option = known.get(name)
            if option is None:
                hint = _unknown_option(name, known, "this family has no options")
                raise ConfigError(f"{where}: '{slug}.{name}': unknown option{hint}")
            _check_option(option, value, f"{slug}.{name}", where)
            options.setdefault(slug, {})[name] = value
    for key, (slug, name) in OLD_FAMILY_KEYS.items():
        if key not in table:
            continue
        if name in options.get(slug, {}):
            raise ConfigError(
                f"{where}: '{key}' and '{slug}.{name}' are both set: keep "
                f"[tool.mldebt.{slug}] {name} only"
            )
        option = categories()[slug].option(name)
        assert option is not None, f"{slug} declares an older key for {name}"
        _check_option(option, table[key], key, where)
        options.setdefault(slug, {})[name] = table[key]
    return options


def _validate_rule_options(
    table: object,
    where: str,
    family: Mapping[str, Mapping[str, Any]],
    warnings: list[str],
) -> dict[str, dict[str, Any]]:
    """The ``[tool.mldebt.rules.<rule>]`` tables. A family option set there
    applies to that rule only; unless the family's table sets it too, a warning
    says where it reaches every rule of the family."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: 'rules' must be {_KEYS['rules']}")
    by_key = catalog_by_key()
    options: dict[str, dict[str, Any]] = {}
    for key, values in table.items():
        rule: RuleInfo | None = by_key.get(key) or by_key.get(key.upper())
        if rule is None:
            hint = _did_you_mean(key, by_key)
            raise ConfigError(
                f"{where}: 'rules.{key}': no rule has this code or name{hint}"
            )
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: 'rules.{key}' must be a table of options")
        known = {option.name: option for option in rule.all_options()}
        family_names = {option.name for option in categories()[rule.category].options}
        for name, value in values.items():
            option = known.get(name)
            if option is None:
                hint = _unknown_option(name, known, "this rule has no options")
                raise ConfigError(
                    f"{where}: 'rules.{key}.{name}': unknown option{hint}"
                )
            _check_option(option, value, f"rules.{key}.{name}", where)
            options.setdefault(rule.code, {})[name] = value
            if name in family_names and name not in family.get(rule.category, {}):
                warnings.append(
                    f"{where}: 'rules.{key}.{name}' applies to {rule.code} only; "
                    f"set it under [tool.mldebt.{rule.category}] for every rule "
                    "of the family"
                )
    return options


def _select(table: Mapping[str, Any], where: str, cli: CliOverrides) -> tuple[str, ...]:
    """The selected codes, layered as in Ruff: the file's select/extend-select/ignore,
    then the command line's; a ``--select`` on the command line starts afresh."""
    layers: dict[str, set[str]] = {}
    for key in ("select", "extend-select", "ignore"):
        if key in table:
            selectors = _expect_list(table[key], key, where)
            layers[key] = _resolve_all(selectors, f"{where}: '{key}'", key == "ignore")
    if cli.select is not None:
        base = _resolve_all(cli.select, "--select", widen=False)
    else:
        default = {rule.code for rule in rule_catalog() if rule.default_enabled}
        base = set(layers["select"]) if "select" in layers else default
        base |= layers.get("extend-select", set())
    base.add("MLD001")  # syntax errors are reported unless ignored explicitly
    if cli.select is None:
        base -= layers.get("ignore", set())
    base |= _resolve_all(cli.extend_select, "--extend-select", widen=False)
    base -= _resolve_all(cli.ignore, "--ignore")
    return tuple(sorted(base))


def settings_from_table(
    table: Mapping[str, Any], root: str, config_path: str | None, cli: CliOverrides
) -> Settings:
    """Validate one ``[tool.mldebt]`` table and turn it into ``Settings``."""
    where = config_path or "command line"
    keys = [*_KEYS, *categories()]
    for key in table:
        if key not in keys:
            raise ConfigError(
                f"{where}: [tool.mldebt] unknown key '{key}'{_did_you_mean(key, keys)}"
            )
    per_file = [
        *_per_file_ignores(table, "per-file-ignores", where),
        *_per_file_ignores(table, "extend-per-file-ignores", where),
    ]
    respect = table.get("respect-gitignore", True)
    if not isinstance(respect, bool):
        raise ConfigError(f"{where}: 'respect-gitignore' must be a boolean")
    exclude = tuple(
        _expect_globs(table.get("exclude", list(DEFAULT_EXCLUDE)), "exclude", where)
    )
    extend = tuple(
        _expect_globs(table.get("extend-exclude", []), "extend-exclude", where)
    )
    warnings: list[str] = []
    cache = cli.cache
    linked = linked_cache_folder(root) if cache else None
    if linked is not None:
        warnings.append(linked)
        cache = False
    family = _validate_family_options(table, where)
    rules = _validate_rule_options(table.get("rules", {}), where, family, warnings)
    return Settings(
        root=root,
        config_path=config_path,
        selected=_select(table, where, cli),
        rule_options=rules,
        per_file_ignores=tuple(per_file),
        exclude=exclude,
        extend_exclude=extend,
        respect_gitignore=respect,
        cache=cache,
        family_options=family,
        table=table,
        cli=cli,
        warnings=tuple(warnings),
    )


def _expect_globs(value: object, key: str, where: str) -> list[str]:
    """A list of ``.gitignore``-style globs, each one checked to compile."""
    globs = _expect_list(value, key, where)
    for glob in globs:
        try:
            pathspec.GitIgnoreSpec.from_lines([glob])
        except Exception as error:  # pathspec raises several kinds for bad globs
            raise ConfigError(
                f"{where}: '{key}': invalid glob {glob!r}: {error}"
            ) from None
    return globs


def _per_file_ignores(
    table: Mapping[str, Any], key: str, where: str
) -> list[tuple[str, frozenset[str]]]:
    """One per-file-ignores table as (glob, codes) pairs; ``per-file-ignores``
    defaults to ``DEFAULT_PER_FILE_IGNORES``."""
    default = DEFAULT_PER_FILE_IGNORES if key == "per-file-ignores" else {}
    raw = table.get(key, default)
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: '{key}' must be {_KEYS[key]}")
    pairs = []
    for pattern, selectors in raw.items():
        name = f'{key}."{pattern}"'
        _expect_globs([pattern], key, where)
        codes = _resolve_all(_expect_list(selectors, name, where), f"{where}: '{name}'")
        pairs.append((pattern, frozenset(codes)))
    return pairs


def read_table(path: str, require_tool_table: bool) -> dict[str, Any] | None:
    """The mldebt table of a TOML file, or None when a pyproject has none."""
    shown = _display(path)
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: invalid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: invalid TOML: nested too deeply") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{shown}: invalid TOML: not UTF-8 ({error.reason})"
        ) from None
    except OSError as error:
        raise ConfigError(f"{shown}: cannot read: {error.strerror}") from None
    tool = document.get("tool")
    if isinstance(tool, dict) and "mldebt" in tool:
        table: object = tool["mldebt"]
        if not isinstance(table, dict):
            raise ConfigError(f"{shown}: [tool.mldebt] must be a table")
        return table
    if require_tool_table:
        return None
    if os.path.basename(path) == "pyproject.toml":
        return {}  # a pyproject.toml without [tool.mldebt]: the defaults
    return document


class SettingsResolver:
    """Finds and caches the settings that apply to each directory."""

    def __init__(self, cli: CliOverrides, config_file: str | None = None) -> None:
        """Use ``config_file`` for every path if given, else discover per directory."""
        self.cli = cli
        self._by_dir: dict[str, Settings] = {}
        self._by_config: dict[str | None, Settings] = {}
        self._forced: Settings | None = None
        if config_file is not None:
            if not os.path.isfile(config_file):
                raise ConfigError(f"{config_file}: config file not found")
            table = read_table(config_file, require_tool_table=False) or {}
            root = os.path.dirname(os.path.abspath(config_file))
            self._forced = settings_from_table(table, root, config_file, cli)

    def resolved(self) -> list[Settings]:
        """Every distinct ``Settings`` resolved so far (the forced one first)."""
        found = [self._forced] if self._forced is not None else []
        found.extend(self._by_config.values())
        return list({id(settings): settings for settings in found}.values())

    def default(self) -> Settings:
        """Settings for the current directory."""
        return self.for_directory(os.getcwd())

    def for_path(self, path: str) -> Settings:
        """Settings for a file or directory."""
        absolute = os.path.abspath(path)
        directory = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        return self.for_directory(directory)

    def for_directory(self, directory: str) -> Settings:
        """Settings from the nearest ``pyproject.toml`` with ``[tool.mldebt]``."""
        if self._forced is not None:
            return self._forced
        cached = self._by_dir.get(directory)
        if cached is not None:
            return cached
        candidate = os.path.join(directory, "pyproject.toml")
        table = (
            read_table(candidate, require_tool_table=True)
            if os.path.isfile(candidate)
            else None
        )
        if table is not None:
            settings = self._by_config.get(candidate)
            if settings is None:
                settings = settings_from_table(
                    table, directory, _display(candidate), self.cli
                )
                self._by_config[candidate] = settings
        else:
            parent = os.path.dirname(directory)
            if parent != directory:
                settings = self.for_directory(parent)
            else:
                settings = self._by_config.get(None)
                if settings is None:
                    settings = settings_from_table({}, os.getcwd(), None, self.cli)
                    self._by_config[None] = settings
        self._by_dir[directory] = settings
        return settings


def _display(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
