"""The scoring policy language: loading, checking and compiling rule files."""

from jixiao.policy.loader import load_policy, shipped_policies
from jixiao.policy.model import Policy

__all__ = ["Policy", "load_policy", "shipped_policies"]
