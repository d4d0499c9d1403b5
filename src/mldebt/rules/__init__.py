"""mldebt's rules: one package per category, one module per rule.

Each subpackage is a rule family (``unseeded_randomness/`` is the
``unseeded-randomness`` category; see ``mldebt.engine.categories``) and each of its
public modules holds one ``Rule`` subclass, discovered automatically: adding a rule
means adding one module. ``path_api.py`` is what two families share.
"""
