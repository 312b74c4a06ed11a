"""How datasets change: an import applied to a dataset gives the next one."""

from infra.store.merge import merge_into

__all__ = ["merge_into"]
