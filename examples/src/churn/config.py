"""Typed, central configuration for the churn project."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SEED = 42

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"

FEATURE_COLUMNS = (
    "tenure_months",
    "monthly_charges",
    "total_charges",
    "tenure_years",
    "avg_charge",
    "is_new_customer",
)
TARGET = "churned"


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters and data locations for one training run."""

    seed: int = SEED
    learning_rate: float = 1e-3
    weight_decay: float = 1e-5
    epochs: int = 50
    batch_size: int = 64
    n_estimators: int = 200
    test_size: float = 0.2
    n_splits: int = 5
    feature_columns: tuple[str, ...] = FEATURE_COLUMNS
    target: str = TARGET
    raw_path: Path = RAW_DIR / "customers.csv"
    processed_path: Path = PROCESSED_DIR / "customers_clean.csv"
    tracking_uri: str = field(
        default_factory=lambda: os.environ.get("MLFLOW_TRACKING_URI", "")
    )


CONFIG = TrainConfig()
