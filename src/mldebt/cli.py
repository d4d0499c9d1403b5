"""The ``mldebt`` command: ``check``, ``fix``, ``rules``, ``rule``, ``init`` and
``clean``.

Exit codes, for ``check`` and ``--fix`` alike: 0 no findings left, 1 findings left,
2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mldebt import __version__
from mldebt.engine.printing import printable

if TYPE_CHECKING:
    from mldebt.engine.rule import Rule

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
OUTPUT_FORMATS = ("text", "json", "github")


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _add_check_arguments(parser: argparse.ArgumentParser, fix_command: bool) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        help="files or folders to lint (default: .); every argument after `--` "
        "is one, even one that starts with `-`",
    )
    parser.add_argument(
        "--select",
        type=_codes,
        action="extend",
        default=None,
        help="rules to run instead of the configured ones "
        "(codes, prefixes like MLD1, names or categories; comma-separated)",
    )
    parser.add_argument(
        "--extend-select",
        type=_codes,
        action="extend",
        default=[],
        help="rules to run in addition to the selected ones",
    )
    parser.add_argument(
        "--ignore", type=_codes, action="extend", default=[], help="rules to turn off"
    )
    parser.add_argument(
        "--output-format",
        choices=OUTPUT_FORMATS,
        default=None,
        help="how findings are printed (default: text, or $MLDEBT_OUTPUT_FORMAT)",
    )
    if not fix_command:
        parser.add_argument("--fix", action="store_true", help="apply safe fixes")
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also show and, with --fix, apply unsafe fixes",
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a diff instead of writing them",
    )
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings remain (errors still exit 2)",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print counts per rule instead of each finding",
    )
    parser.add_argument(
        "--show-settings",
        action="store_true",
        help="print the settings that apply to the first path, each with where it "
        "came from, and lint nothing",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="use this TOML file instead of discovering pyproject.toml",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="do not read or write .mldebt_cache/ (cached results and the "
        "project index)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        help="worker processes for many files (default: one per CPU)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mldebt`` command."""
    parser = argparse.ArgumentParser(
        prog="mldebt",
        description="Find technical debt in machine-learning code.",
    )
    parser.add_argument("--version", action="version", version=f"mldebt {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser("check", help="lint files and folders")
    _add_check_arguments(check, fix_command=False)
    fix = commands.add_parser("fix", help="apply safe fixes (same as check --fix)")
    _add_check_arguments(fix, fix_command=True)
    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument(
        "--output-format", choices=("text", "json", "markdown"), default="text"
    )
    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument(
        "rule", nargs="?", help="a rule code or name (e.g. MLD101), or a category"
    )
    rule.add_argument("--all", action="store_true", help="print every rule's docs")
    clean = commands.add_parser(
        "clean", help="delete the .mldebt_cache/ folders of the current project"
    )
    clean.add_argument(
        "paths", nargs="*", default=["."], help="project folders (default: .)"
    )
    init = commands.add_parser(
        "init",
        help="set a project up: .pre-commit-config.yaml and [tool.*] sections "
        "that agree with each other",
    )
    init.add_argument(
        "path", nargs="?", default=".", help="the project folder (default: .)"
    )
    init.add_argument(
        "--dry-run",
        action="store_true",
        help="print the changes as a unified diff and write nothing",
    )
    init.add_argument(
        "--merge",
        action="store_true",
        help="add the missing hooks to an existing .pre-commit-config.yaml",
    )
    init.add_argument(
        "--repo", metavar="URL", help="the hook repository (default: mldebt's)"
    )
    init.add_argument(
        "--rev", help=f"the rev to pin (default: v{__version__}, this version)"
    )
    return parser


def parse_arguments(
    parser: argparse.ArgumentParser, argv: Sequence[str]
) -> argparse.Namespace:
    """Parse the command line; for ``check`` and ``fix`` every argument after the
    first ``--`` is a path, so that a file named ``--config=cfg.py`` (which
    pre-commit passes after the hook's ``args``) is linted, not obeyed.

    Without a ``--``, an argument that starts with ``-`` and names an existing
    file is refused (``parser.error``, exit 2) rather than read as an option.
    """
    from mldebt.hooks._argv import AmbiguousArgument, split_arguments

    try:
        split = split_arguments(argv)
    except AmbiguousArgument as error:
        parser.error(str(error))
    args = parser.parse_args(split.options)
    if args.command not in ("check", "fix"):
        return args if split.files is None else parser.parse_args(argv)
    args.paths = [*(args.paths or []), *(split.files or [])] or ["."]
    return args


def _error(message: str) -> int:
    # One line, whatever a config key or path holds: control characters escaped.
    print(f"mldebt: error: {printable(message)}", file=sys.stderr)
    return EXIT_ERROR


def _run_check(args: argparse.Namespace) -> int:
    from mldebt.engine.config import CliOverrides, SettingsResolver
    from mldebt.engine.discovery import collect_files
    from mldebt.engine.findings import FixMode
    from mldebt.engine.reporting import (
        render_github,
        render_json,
        render_statistics,
        render_statistics_json,
        render_text,
        summary,
    )
    from mldebt.engine.runner import RunOptions, run

    fix = bool(getattr(args, "fix", False)) or args.command == "fix"
    mode: FixMode = "none"
    if fix or args.diff:
        mode = "unsafe" if args.unsafe_fixes else "safe"
    cli = CliOverrides(
        select=tuple(args.select) if args.select is not None else None,
        extend_select=tuple(args.extend_select),
        ignore=tuple(args.ignore),
        cache=not args.no_cache,
    )
    resolver = SettingsResolver(cli, args.config)
    resolver.default()  # validate the config even when no file is found
    if args.show_settings:
        from mldebt.engine.show_settings import render_settings

        first = args.paths[0] if args.paths else "."
        sys.stdout.write(render_settings(resolver.for_path(first), first))
        return EXIT_CLEAN
    notes: list[str] = []
    files = collect_files(args.paths, resolver, notes)
    notes.extend(note for found in resolver.resolved() for note in found.warnings)
    for note in notes:
        print(f"mldebt: warning: {printable(note)}", file=sys.stderr)
    # A progress line only for a person at a terminal: not under pre-commit (which
    # sets PRE_COMMIT), not when stderr is a pipe or a file.
    interactive = sys.stderr.isatty() and not os.environ.get("PRE_COMMIT")
    options = RunOptions(
        fix_mode=mode,
        write=fix and not args.diff,
        diff=args.diff,
        jobs=args.jobs,
        progress=sys.stderr if interactive else None,
    )
    results = run(files, options)

    if not files:
        shown = " ".join(args.paths)
        print(
            f"mldebt: warning: no Python files found under {printable(shown)}",
            file=sys.stderr,
        )
    findings = sorted(
        (finding for result in results for finding in result.findings),
        key=lambda finding: finding.sort_key,
    )
    fixed = sum(result.fixed for result in results)
    errors = [error for result in results for error in result.errors]
    for warning in (warning for result in results for warning in result.warnings):
        print(f"mldebt: warning: {printable(warning)}", file=sys.stderr)
    out = sys.stdout
    if args.diff:
        # As in Ruff: the diff alone on stdout, so it can be piped to `patch`.
        diffs = [result.diff for result in results if result.diff]
        out.write("".join(diffs))
        changed = len(diffs)
        print(
            (
                f"Would fix {fixed} finding{'s' if fixed != 1 else ''} in {changed} "
                f"file{'s' if changed != 1 else ''}."
                if changed
                else "No fixes available."
            ),
            file=sys.stderr,
        )
        findings = []
    elif args.statistics:
        if args.output_format == "json":
            out.write(render_statistics_json(findings, args.unsafe_fixes))
        else:
            out.write(render_statistics(findings, args.unsafe_fixes))
    elif args.output_format == "json":
        out.write(render_json(findings))
    elif args.output_format == "github":
        out.write(render_github(findings))
    else:
        out.write(render_text(findings, args.unsafe_fixes))
        out.write(summary(findings, fixed, args.unsafe_fixes, len(errors)))
    for error in errors:
        print(f"mldebt: error: {printable(error)}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    if args.diff:
        return EXIT_FINDINGS if any(result.diff for result in results) else EXIT_CLEAN
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def _run_rules(args: argparse.Namespace) -> int:
    from mldebt.engine.registry import all_rules

    rules = all_rules()
    if args.output_format == "json":
        data = [
            {
                "code": rule.code,
                "name": rule.name,
                "category": rule.category,
                "fix": rule.fix_safety,
                "default": rule.default_enabled,
                "summary": rule.summary(),
            }
            for rule in rules
        ]
        print(json.dumps(data, indent=2))
        return EXIT_CLEAN
    if args.output_format == "markdown":
        from mldebt.engine.docs import rules_table

        print(rules_table(rules), end="")
        return EXIT_CLEAN
    name_width = max(len(rule.name) for rule in rules)
    category_width = max(len(rule.category) for rule in rules)
    print(
        f"{'code':<7} {'name':<{name_width}} {'category':<{category_width}} "
        "fix    default"
    )
    for rule in rules:
        fix = rule.fix_safety or "no"
        default = "on" if rule.default_enabled else "off"
        print(
            f"{rule.code:<7} {rule.name:<{name_width}} {rule.category:<{category_width}} "
            f"{fix:<6} {default}"
        )
    return EXIT_CLEAN


def _run_rule(args: argparse.Namespace) -> int:
    from mldebt.engine.categories import categories
    from mldebt.engine.config import ConfigError, resolve_selector
    from mldebt.engine.docs import render_category
    from mldebt.engine.registry import all_rules, rules_by_key

    def members(slug: str) -> list[type[Rule]]:
        return [rule for rule in all_rules() if rule.category == slug]

    if args.all:
        pages = []
        for slug, family in categories().items():
            pages.append(render_category(family, members(slug)))
            pages += [rule.documentation() for rule in members(slug)]
        print("\n".join(pages), end="")
        return EXIT_CLEAN
    if not args.rule:
        return _error(
            "rule: give a rule code or name (e.g. `mldebt rule MLD101`), or --all"
        )
    by_key = rules_by_key()
    rule = by_key.get(args.rule) or by_key.get(args.rule.upper())
    category = categories().get(args.rule)
    if rule is None and category is not None:
        print(render_category(category, members(category.slug)), end="")
        return EXIT_CLEAN
    if rule is None:
        try:
            codes = resolve_selector(args.rule, "rule")
        except ConfigError as error:
            return _error(str(error))
        if len(codes) != 1:
            listed = ", ".join(sorted(codes))
            return _error(
                f"rule: '{args.rule}' names several rules ({listed}); give one"
            )
        rule = by_key[codes.pop()]
    print(rule.documentation(), end="")
    return EXIT_CLEAN


def _run_clean(args: argparse.Namespace) -> int:
    from mldebt.engine.cache_files import clean
    from mldebt.engine.config import CliOverrides, SettingsResolver

    resolver = SettingsResolver(CliOverrides())
    folders: list[str] = []
    for path in args.paths:
        if not os.path.isdir(path):
            return _error(f"{path}: not a folder")
        folders += [path, resolver.for_directory(os.path.abspath(path)).root]
    for removed in clean(folders):
        print(f"Removed {removed}", file=sys.stderr)
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mldebt`` console script; returns the exit code."""
    from mldebt.engine.config import ConfigError

    parser = build_parser()
    try:
        args = parse_arguments(parser, sys.argv[1:] if argv is None else argv)
    except SystemExit as exit_:
        return int(exit_.code) if isinstance(exit_.code, int) else EXIT_ERROR
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        if args.command in ("check", "fix"):
            if args.jobs < 0:
                return _error("--jobs must be 0 (one per CPU) or more")
            if args.output_format is None:
                args.output_format = os.environ.get("MLDEBT_OUTPUT_FORMAT") or "text"
                if args.output_format not in OUTPUT_FORMATS:
                    return _error(
                        f"MLDEBT_OUTPUT_FORMAT: '{args.output_format}' is not one of "
                        + ", ".join(OUTPUT_FORMATS)
                    )
            return _run_check(args)
        if args.command == "rules":
            return _run_rules(args)
        if args.command == "init":
            from mldebt.project_setup import run_init

            return run_init(args)
        if args.command == "clean":
            return _run_clean(args)
        return _run_rule(args)
    except ConfigError as error:
        return _error(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `mldebt check | head`: the reader went away; say nothing more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
    except Exception as error:  # never a traceback for the user; say what broke
        if os.environ.get("MLDEBT_DEBUG"):
            raise
        return _error(f"internal error: {type(error).__name__}: {error}")
