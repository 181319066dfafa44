"""The simulator keeps its state in its own database (SPEC section 12: "its own tables or database"):
its models read and write the `network_simulator` alias, and nothing else is migrated there."""

APP = "network_simulator"
ALIAS = "network_simulator"


class SimulatorRouter:
    def db_for_read(self, model, **hints):
        return ALIAS if model._meta.app_label == APP else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        if APP in (obj1._meta.app_label, obj2._meta.app_label):
            return obj1._meta.app_label == obj2._meta.app_label
        return None

    def allow_migrate(self, db, app_label, **hints):
        if app_label == APP:
            return db == ALIAS
        if db == ALIAS:
            return False
        return None
