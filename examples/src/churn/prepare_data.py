"""Clean the raw customer export and write a training sample."""

import os
import random

import numpy as np
import pandas as pd

# debt: hardcoded configuration (absolute, user-specific data path)
EXPORT_PATH = "/home/alice/datasets/churn.csv"


def clean(df: pd.DataFrame) -> pd.DataFrame:
    """Drop duplicate customers, fix types and encode the churn label."""
    df = df.drop_duplicates(subset="customer_id")
    df["total_charges"] = pd.to_numeric(df["total_charges"], errors="coerce")
    df["total_charges"] = df["total_charges"].fillna(0.0)
    df["churned"] = (df["churn"] == "Yes").astype(int)
    return df.drop(columns=["churn"])


def sample_rows(df: pd.DataFrame, n: int) -> pd.DataFrame:
    """Return ``n`` randomly chosen customers."""
    rows = df.to_dict("records")
    # debt: unseeded randomness (random.shuffle, random.seed never called)
    random.shuffle(rows)
    return pd.DataFrame(rows[:n])


def pick_review_ids(df: pd.DataFrame, k: int = 50) -> list[int]:
    """Pick customer ids to send to the analytics team for manual review."""
    # debt: unseeded randomness (random.Random() created without a seed)
    picker = random.Random()
    reviewed = picker.sample(list(df["customer_id"]), k)
    # debt: unseeded randomness (random.sample, random.seed never called)
    spot_checks = random.sample(reviewed, 5)
    print("spot-check these first:", spot_checks)
    return reviewed


def main() -> None:
    """Run the full preparation step."""
    df = pd.read_csv("data/raw/customers.csv")
    if os.path.exists(EXPORT_PATH):
        # the local export has the most recent month appended
        df = pd.concat([df, pd.read_csv(EXPORT_PATH)], ignore_index=True)
    df = clean(df)
    # debt: raw data overwritten (cleaned frame written back over the raw file)
    df.to_csv("data/raw/customers.csv", index=False)
    # debt: raw data overwritten (raw input deleted after use)
    os.remove("data/raw/customers_previous.csv")

    # debt: unseeded randomness (numpy global RNG never seeded)
    df["split"] = np.where(np.random.rand(len(df)) < 0.2, "test", "train")
    train_rows = df[df["split"] == "train"].drop(columns=["split"])
    sample = sample_rows(train_rows, 5000)
    sample.to_csv("data/processed/customers_sample.csv", index=False)
    pick_review_ids(sample)


if __name__ == "__main__":
    main()
