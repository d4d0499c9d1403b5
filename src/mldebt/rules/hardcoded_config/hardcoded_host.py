"""MLD303 hardcoded-host.

A private IP address, an internal hostname or a fixed port in the code.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import libcst as cst

from mldebt.engine.helpers import string_value
from mldebt.engine.options import Option
from mldebt.engine.rule import Invalid, Valid
from mldebt.rules.hardcoded_config._strings import (
    ENV_LOOKUPS,
    UNKNOWN,
    StringRule,
    assignment_targets,
    is_exception,
    leading_text,
    target_names,
)
from mldebt.rules.hardcoded_config.api import (
    HOST_CALLS,
    HOST_KEYWORD,
    HOST_NAME,
    HOST_TRIGGERS,
    INTERNAL_SUFFIXES,
    LOCAL_HOSTS,
    RESERVED_SUFFIXES,
    STANDARD_PORTS,
)


def _split_host(text: str) -> tuple[str, int | None, bool] | None:
    """(host, port, was a URL) of a URL or a ``host[:port]`` string, else None."""
    if "://" in text:
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError:
            return None
        host = parts.hostname
        return (host, port, True) if host else None
    match = re.match(r"^\[?([A-Za-z0-9_.:-]+?)\]?(?::(\d{1,5}))?(/.*)?$", text)
    if match is None:
        return None
    digits = match.group(2)
    return match.group(1), (int(digits) if digits else None), False


def _host_problem(
    host: str, port: int | None, is_url: bool, services: bool
) -> str | None:
    """Why a host ties the code to one network, or None."""
    host = host.lower().rstrip(".")
    if host in LOCAL_HOSTS or host.startswith("127.") or "example" in host:
        return None
    if host.endswith(RESERVED_SUFFIXES):
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or address.is_unspecified:
            return None
        if address.is_private or address.is_link_local:
            return "a private IP address"
        return "an IP address" if is_url or port is not None else None
    if "." not in host and (port is None or not services):
        # a bare word: a docker-compose or k8s service name, the same in every
        # deployment of the stack (flag-service-names turns these on)
        return None
    if host.endswith(INTERNAL_SUFFIXES):
        return "an internal hostname"
    if port is not None and port not in STANDARD_PORTS:
        return "an explicit port"
    return None


def host_problems(text: str, services: bool = False) -> Iterator[tuple[str, str]]:
    """(host as shown, problem) for each host in a URL, DSN or ``host:port`` list;
    ``services``: also dotless hosts with a port (``mlflow:5000``)."""
    for item in text.split(","):
        item = item.strip()
        if not item or UNKNOWN in item.split("/", 3)[2 if "://" in item else 0]:
            continue
        parsed = _split_host(item)
        if parsed is None:
            continue
        host, port, is_url = parsed
        problem = _host_problem(host, port, is_url, services)
        if problem is not None:
            yield (f"{host}:{port}" if port is not None else host), problem


class HardcodedHost(StringRule):
    """A private IP address, an internal hostname or a fixed port in the code.

    ## What it does
    Flags hosts in the places that connect to services: MLflow tracking and
    registry URIs, database engines and DSNs, Redis, MongoDB, Kafka, Ray and Dask
    clients, HTTP calls, keywords such as `host=`, `url=`, `endpoint=`,
    `tracking_uri=`, `bootstrap_servers=`, and variables or environment variables
    named like `MLFLOW_TRACKING_URI` or `db_host`. A host is flagged when it is a
    private IP address (`10.x`, `172.16-31.x`, `192.168.x`), any IP address in a
    URL, a name only one network resolves (`*.internal`, `*.local`, `*.corp`,
    `*.lan`), or a host with an explicit non-standard port.

    Public URLs (`https://huggingface.co`), `localhost` and `0.0.0.0`, bare service
    names and environment lookups with a default
    (`os.environ.get("DB_HOST", "localhost")`) are not flagged.

    ## Why is this bad?
    The code runs only inside one network, against one server. Moving the tracking
    server, running in CI or sharing the project means editing source, and an
    internal address in a public repository maps your infrastructure for others.

    ## Example
    ```python
    import mlflow

    mlflow.set_tracking_uri("http://10.0.3.17:5000")
    ```

    ## Use instead
    ```python
    import os

    import mlflow

    mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
    ```
    (MLflow also reads `MLFLOW_TRACKING_URI` by itself when nothing is set.)
    """

    code = "MLD303"
    name = "hardcoded-host"
    category = "hardcoded-config"
    message = "host of one network written into the code"
    triggers = HOST_TRIGGERS
    options = (
        Option(
            "flag-service-names",
            bool,
            False,
            "also flag dotless hosts with a port (`http://mlflow:5000`), which are "
            "usually docker-compose or Kubernetes service names",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        """Known clients' first argument and host-like keywords of any call."""
        qualname, method = self.call_names(node)
        if qualname in ENV_LOOKUPS or is_exception(qualname, method):
            return
        if qualname in HOST_CALLS and node.args:
            first = node.args[0]
            if first.keyword is None and not first.star:
                self._check(first.value)
        for arg in node.args:
            if arg.keyword is not None and HOST_KEYWORD.search(arg.keyword.value):
                self._check(arg.value)
        if qualname == "os.putenv" and len(node.args) >= 2:
            key = string_value(node.args[0].value)
            if key is not None and HOST_NAME.search(key):
                self._check(node.args[1].value)

    def visit_Assign(self, node: cst.Assign) -> None:
        """``TRACKING_URI = "http://10.0.0.5:5000"``, ``os.environ["X_HOST"] = ...``."""
        self._check_assignment(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """``db_host: str = "db.internal"``."""
        self._check_assignment(node)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        """``{"host": "10.1.2.3"}``."""
        key = string_value(node.key)
        if key is not None and (HOST_KEYWORD.search(key) or HOST_NAME.search(key)):
            self._check(node.value)

    def visit_Param(self, node: cst.Param) -> None:
        """``def connect(host="10.1.2.3")``."""
        if node.default is not None and HOST_NAME.search(node.name.value):
            self._check(node.default)

    def _check_assignment(self, node: cst.Assign | cst.AnnAssign) -> None:
        if node.value is None:
            return
        names = [n for t in assignment_targets(node) for n in target_names(t)]
        if any(HOST_NAME.search(name) for name in names):
            self._check(node.value)

    def _check(self, value: cst.BaseExpression) -> None:
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            if isinstance(value, cst.Tuple) and len(value.elements) == 2:
                self._check(value.elements[0].value)  # (host, port)
                return
            for element in value.elements:
                self._check(element.value)
            return
        text = leading_text(value)
        if text is None:
            return
        services: bool = self.option("flag-service-names")
        for shown, problem in host_problems(text, services):
            self.report_once(
                value,
                f"hardcoded host '{shown}' ({problem}) ties the code to one "
                "network; read it from config or the environment",
            )
            return

    valid = (
        Valid("""
            import os
            DB_HOST = os.environ.get("DB_HOST", "localhost")
            TRACKING_URI = os.getenv("MLFLOW_TRACKING_URI", "http://10.0.0.5:5000")
            """),
        Valid("""
            import requests
            resp = requests.get("https://huggingface.co/api/models", timeout=10)
            API_URL = "https://api.openai.com/v1"
            """),
        Valid("""
            import mlflow
            mlflow.set_tracking_uri("http://localhost:5000")
            app.run(host="0.0.0.0", port=8080)
            redis_url = "redis://127.0.0.1:6379/0"
            """),
        Valid("""
            VERSION = "1.2.3.4"
            ADDRESS_LINE = "10 Downing Street"
            server = "mlflow"
            """),
        Valid("""
            import mlflow
            mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
            url = f"http://{HOST}:{PORT}/predict"
            """),
        Valid("""
            EXAMPLE_URL = "http://api.example.com:8080/v1"
            docs_host = "docs.python.org"
            """),
        Valid("""
            import requests
            META = requests.get("http://169.254.169.254/latest/meta-data/instance-id")
            MLFLOW_TRACKING_URI = "http://mlflow:5000"  # a docker-compose service
            raise EndpointConnectionError(endpoint_url="http://unreachable.invalid:9000")
            """),
    )
    invalid = (
        Invalid(
            """
            import mlflow
            mlflow.set_tracking_uri("http://10.0.3.17:5000")
            """,
            line=2,
            column=25,
        ),
        Invalid("""
            from sqlalchemy import create_engine
            engine = create_engine("postgresql://admin:hunter2@db.internal:5432/features")
            """),
        Invalid("""
            import redis
            cache = redis.Redis(host="192.168.1.40", port=6379)
            """),
        Invalid("""
            MLFLOW_TRACKING_URI = "http://mlflow.corp:5000"
            """),
        Invalid("""
            import os
            os.environ["MLFLOW_TRACKING_URI"] = "http://172.20.4.9"
            """),
        Invalid("""
            from kafka import KafkaProducer
            producer = KafkaProducer(bootstrap_servers="kafka-1.lan:9092,kafka-2.lan:9092")
            """),
        Invalid("""
            import requests
            def predict(rows):
                return requests.post("http://ml-serving.mycompany.com:8501/v1/predict", json=rows)
            """),
        Invalid(
            """
            import socket
            from elasticsearch import Elasticsearch
            es = Elasticsearch(hosts=["http://10.0.0.20:9200", "http://10.0.0.21:9200"])
            conn = socket.create_connection(("10.0.0.40", 9000))
            llm = ChatOpenAI(openai_api_base="http://10.1.1.9:8000/v1")
            """,
            count=4,
        ),
        Invalid(
            """
            MLFLOW_TRACKING_URI = "http://mlflow:5000"
            """,
            options={"flag-service-names": True},
        ),
    )
