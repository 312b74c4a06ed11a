"""Command line: ``python -m infra <command>``."""

from infra.cli import main

raise SystemExit(main())
