"""Factories for the domain. Cases are made through `cases.services` so every test case has its events."""

import itertools
from datetime import timedelta

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from cases import services
from cases.actors import Actor
from cases.inputs import CardholderInput, CaseInput, MerchantInput, TransactionInput
from cases.models import ApiKey, Cardholder, Merchant, Program, Transaction

_SEQ = itertools.count(100_000_000)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("program_id",)

    program_id = factory.Sequence(lambda n: f"program_{n}")
    name = factory.LazyAttribute(lambda o: f"Program {o.program_id}")
    default_currency = "USD"
    # Tests that are not about maker-checker run actions directly (tests/cases/test_approvals.py sets rules).
    approval_actions = factory.LazyFunction(list)


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    program = factory.SubFactory(ProgramFactory)
    external_id = factory.Sequence(lambda n: f"m_{n}")
    name = factory.Faker("company")
    business_name = factory.LazyAttribute(lambda o: f"{o.name} Ltd")
    mcc = "5734"
    chargeback_email = factory.Faker("company_email")


class CardholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cardholder

    program = factory.SubFactory(ProgramFactory)
    external_id = factory.Sequence(lambda n: f"ch_{n}")
    name = factory.Faker("name")
    email = factory.Faker("email")
    country = "US"


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    program = factory.SubFactory(ProgramFactory)
    financial_document_id = factory.Sequence(lambda n: 30000 + n)
    external_id = factory.Sequence(lambda n: f"txn_{n}")
    arn = factory.Sequence(lambda n: f"7{n:022d}")
    amount = 20000
    currency = "USD"
    date = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    status = "success"
    card_network = "mastercard"
    card_last4 = "4242"
    merchant = factory.SubFactory(MerchantFactory, program=factory.SelfAttribute("..program"))
    cardholder = factory.SubFactory(CardholderFactory, program=factory.SelfAttribute("..program"))


def make_user(username: str, role: str | None = None, **extra) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_api_key(program: Program, scopes=("read", "write", "manage"), name: str = "test") -> tuple[ApiKey, str]:
    return ApiKey.objects.create_key(name=name, program=program, scopes=list(scopes))


def case_input(*, transaction: Transaction | None = None, days_ago: int = 10, amount: int = 20000,
               network: str = "mastercard", status: str = "success", **overrides) -> CaseInput:
    """A CaseInput on a stored transaction, or describing a new one."""
    if transaction is not None:
        txn = TransactionInput(financial_document_id=transaction.financial_document_id)
    else:
        seq = next(_SEQ)
        txn = TransactionInput(
            external_id=f"ext_{seq}", arn=f"8{seq:022d}", amount=amount, currency="USD",
            date=timezone.now() - timedelta(days=days_ago), card_network=network, card_last4="4242", status=status,
            merchant=MerchantInput(external_id=f"mer_{seq}", name="FoodHub", mcc="5734"),
            cardholder=CardholderInput(external_id=f"chd_{seq}", name="Susie Chargeback", email="susie@example.com"),
        )
    values = {"source": "api", "reason": "product_not_received", "transaction": txn}
    values.update(overrides)
    return CaseInput(**values)


def make_case(program: Program, actor: Actor | None = None, path=(), **input_overrides):
    """Create a case through the service, then walk `path` transitions as a supervisor-level actor."""
    actor = actor or Actor.for_system()
    case = services.case_create(program=program, actor=actor, data=case_input(**input_overrides))
    if path:
        walker = Actor.for_user(_superuser())
        for step in path:
            # `expire` is the deadline sweep's step: only the system actor may run it.
            step_actor = Actor.for_system() if step == "expire" else walker
            case = services.case_transition(case=case, transition=step, actor=step_actor).case
    return case


def _superuser() -> User:
    user = User.objects.filter(username="_walker").first()
    return user or User.objects.create_superuser("_walker", "walker@example.com", "pw")
