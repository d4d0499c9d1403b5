"""Evaluate churn models with cross-validation and bootstrap intervals."""

import os
import random
import time

import numpy as np
import pandas as pd
import torch
from churn.config import CONFIG
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, train_test_split
from torch.utils.data import DataLoader, TensorDataset

# debt: hardcoded configuration (private tracking host baked into the code)
MLFLOW_URI = "http://10.0.3.17:5000"
os.environ.setdefault("MLFLOW_TRACKING_URI", MLFLOW_URI)


def split(df: pd.DataFrame, seed: int):
    """Split ``df`` into reproducible train and test sets."""
    X = df[list(CONFIG.feature_columns)]
    y = df[CONFIG.target]
    return train_test_split(X, y, test_size=0.2, random_state=seed)


def cross_validate(model, X: pd.DataFrame, y: pd.Series) -> list[float]:
    """Return the ROC AUC of each of five contiguous folds."""
    scores = []
    for train_idx, test_idx in KFold(n_splits=5).split(X):
        model.fit(X.iloc[train_idx], y.iloc[train_idx])
        proba = model.predict_proba(X.iloc[test_idx])[:, 1]
        scores.append(roc_auc_score(y.iloc[test_idx], proba))
    return scores


def refit_on_all(model, df: pd.DataFrame):
    """Refit ``model`` on every labelled row before export."""
    # debt: implicit features (every column except the label becomes a feature)
    X = df.drop(columns=["churned"])
    y = df["churned"]
    model.fit(X, y)
    return model


def predict_mlp(model: torch.nn.Module, X: np.ndarray) -> np.ndarray:
    """Return churn probabilities from the MLP, batch by batch."""
    ds = TensorDataset(torch.tensor(X, dtype=torch.float32))
    loader = DataLoader(ds, batch_size=CONFIG.batch_size)
    model.eval()
    with torch.no_grad():
        probs = [torch.sigmoid(model(xb)) for (xb,) in loader]
    return torch.cat(probs).squeeze(1).numpy()


def bootstrap_auc(y_true: np.ndarray, proba: np.ndarray, n_boot: int = 1000):
    """Return a 95% bootstrap confidence interval for the ROC AUC."""
    # debt: unseeded randomness (seed taken from the wall clock)
    np.random.seed(int(time.time()))
    aucs = []
    for _ in range(n_boot):
        idx = np.random.randint(0, len(y_true), len(y_true))
        aucs.append(roc_auc_score(y_true[idx], proba[idx]))
    return np.percentile(aucs, [2.5, 97.5])


def sample_errors(ids: list[int], k: int = 20) -> list[int]:
    """Pick misclassified customers to show in the weekly report."""
    # debt: unseeded randomness (random.seed() called without a value)
    random.seed()
    return random.sample(ids, k)
