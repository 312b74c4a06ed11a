"""Telecom Infrastructure Transition Tracker: the library under the app and the CLI."""

from infra._errors import BuildError, ContractError, Problem
from infra.dataset import Dataset, Provenance
from infra.io.datasets import read_dataset

__all__ = ["BuildError", "ContractError", "Dataset", "Problem", "Provenance", "read_dataset"]
