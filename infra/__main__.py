"""Command line: ``python -m infra <command>``."""

from infra.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
