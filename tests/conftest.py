import pytest

from cases.actors import Actor
from tests.factories import ProgramFactory, make_api_key, make_user


@pytest.fixture
def program(db):
    return ProgramFactory(program_id="prog_a", name="Program A")


@pytest.fixture
def other_program(db):
    return ProgramFactory(program_id="prog_b", name="Program B")


@pytest.fixture
def analyst(db):
    return make_user("ana", "analyst")


@pytest.fixture
def supervisor(db):
    return make_user("sue", "supervisor")


@pytest.fixture
def admin_user(db):
    return make_user("root", None, is_staff=True, is_superuser=True)


@pytest.fixture
def plain_user(db):
    return make_user("nobody")


@pytest.fixture
def analyst_actor(analyst):
    return Actor.for_user(analyst)


@pytest.fixture
def supervisor_actor(supervisor):
    return Actor.for_user(supervisor)


@pytest.fixture
def system_actor():
    return Actor.for_system()


@pytest.fixture
def api_keys(program):
    """One key per scope set for `program`: {"read": (obj, raw), "write": ..., "manage": ...}."""
    return {
        "read": make_api_key(program, ["read"], "read"),
        "write": make_api_key(program, ["write"], "write"),
        "manage": make_api_key(program, ["manage"], "manage"),
    }
