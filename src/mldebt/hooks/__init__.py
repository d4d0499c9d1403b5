"""Repo-level pre-commit hooks: one module per hook, each exposing ``main(argv) -> int``."""
