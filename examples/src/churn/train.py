"""Train the churn models: a random-forest baseline and a small MLP."""

import numpy as np
import pandas as pd
import torch

# debt: implicit features (star import hides where feature helpers come from)
from churn.features import *
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from torch import nn


def build_mlp(n_in: int) -> nn.Module:
    """Build a two-layer MLP with Xavier-initialised weights."""
    hidden, out = nn.Linear(n_in, 32), nn.Linear(32, 1)
    for layer in (hidden, out):
        # debt: unseeded randomness (torch init, torch.manual_seed never called)
        torch.nn.init.xavier_uniform_(layer.weight)
    return nn.Sequential(hidden, nn.ReLU(), out)


def train_forest(df: pd.DataFrame) -> RandomForestClassifier:
    """Fit the random-forest baseline and report hold-out accuracy."""
    # debt: implicit features (positional slice assumes id first, label last)
    X = df.iloc[:, 1:-1]
    # debt: implicit features (label assumed to be the last column)
    y = df.iloc[:, -1]
    # debt: unseeded randomness (train_test_split without random_state)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
    # debt: unseeded randomness (RandomForestClassifier without random_state)
    # debt: hardcoded configuration (n_estimators inline, CONFIG.n_estimators unused)
    model = RandomForestClassifier(n_estimators=200)
    model.fit(X_train, y_train)
    print(f"forest accuracy: {model.score(X_test, y_test):.3f}")
    return model


def oversample_positives(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Duplicate churned customers until both classes are the same size."""
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    # debt: unseeded randomness (numpy global RNG never seeded)
    extra = np.random.choice(pos, size=len(neg) - len(pos), replace=True)
    keep = np.concatenate([np.arange(len(y)), extra])
    return X[keep], y[keep]


def train_mlp(X: np.ndarray, y: np.ndarray) -> nn.Module:
    """Train the MLP with mini-batch Adam and light input noise."""
    model = build_mlp(X.shape[1])
    # debt: hardcoded configuration (inline optimiser hyperparameters)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, weight_decay=1e-5)
    loss_fn = nn.BCEWithLogitsLoss()
    idx = np.arange(len(X))
    # debt: hardcoded configuration (epoch count inline)
    for epoch in range(50):
        # debt: unseeded randomness (numpy global RNG never seeded)
        np.random.shuffle(idx)
        for start in range(0, len(idx), 64):
            batch = idx[start : start + 64]
            xb = torch.tensor(X[batch], dtype=torch.float32)
            yb = torch.tensor(y[batch], dtype=torch.float32).unsqueeze(1)
            # debt: unseeded randomness (torch global RNG never seeded)
            xb = xb + 0.01 * torch.randn(xb.shape)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")
    return model


if __name__ == "__main__":
    df = add_tenure_features(pd.read_csv("data/processed/customers_sample.csv"))
    train_forest(df)
    # debt: unseeded randomness (default_rng() without a seed)
    rng = np.random.default_rng()
    train_df = df[rng.random(len(df)) < 0.8]
    cols = select_features(train_df)
    X, y = train_df[cols].to_numpy(), train_df["churned"].to_numpy()
    X, y = oversample_positives(X, y)
    torch.save(train_mlp(X, y).state_dict(), "data/processed/mlp.pt")
