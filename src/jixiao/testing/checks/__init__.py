"""The properties of a policy, one module per family; :mod:`jixiao.testing.properties` runs them."""
