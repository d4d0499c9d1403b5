"""Customer churn prediction: data preparation, features, training and evaluation."""
