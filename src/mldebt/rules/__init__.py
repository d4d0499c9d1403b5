"""mldebt's rules: one module per debt family, each rule one class.

Every ``Rule`` subclass defined in a module of this package is discovered
automatically; adding a rule means adding one class.
"""
