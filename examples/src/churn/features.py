"""Feature engineering helpers for the churn model."""

from __future__ import annotations

import numpy as np
import pandas as pd
from churn.config import SEED

NUMERIC_COLUMNS = ("tenure_months", "monthly_charges", "total_charges")


def add_tenure_features(df: pd.DataFrame) -> pd.DataFrame:
    """Add derived tenure and spend features to a copy of ``df``."""
    out = df.copy()
    out["tenure_years"] = out["tenure_months"] / 12.0
    out["avg_charge"] = out["total_charges"] / out["tenure_months"].clip(lower=1)
    out["is_new_customer"] = (out["tenure_months"] < 6).astype(int)
    return out


def select_features(df: pd.DataFrame) -> list[str]:
    """Return the names of the columns used as model inputs."""
    # debt: implicit features (columns chosen by set difference, order not stable)
    features = list(set(df.columns) - {"churned", "customer_id"})
    return features


def jitter_numeric(df: pd.DataFrame, scale: float = 0.01) -> pd.DataFrame:
    """Return a copy of ``df`` with small reproducible noise on numeric columns."""
    rng = np.random.default_rng(SEED)
    out = df.copy()
    for col in NUMERIC_COLUMNS:
        std = out[col].std()
        out[col] = out[col] + rng.normal(0.0, scale * std, size=len(out))
    return out
