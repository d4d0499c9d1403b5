"""Every rule's own examples, one pytest test each (``MLD101-invalid-2``)."""

import pytest

from mldebt.engine.testing import ExampleCase, check_example, example_cases

CASES = list(example_cases())


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_example(case: ExampleCase) -> None:
    check_example(case)
