"""factory_boy factories for the models that exist so far."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.models import Person, User
from organizations.models import ManagementCompany, RegisterStatus
from territory.models import District, Region


def pinfl_for(n: int) -> str:
    """A valid-format PINFL: century/sex digit, a real DDMMYY birth date, 7 more digits."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=(n * 37) % 20000)
    century_sex = ("3", "4")[n % 2] if born.year < 2000 else ("5", "6")[n % 2]
    return f"{century_sex}{born:%d%m%y}{n % 10_000_000:07d}"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.uz")
    phone = factory.Sequence(lambda n: f"+99893{n:07d}")
    password = factory.django.Password("Test-Parol-2026")


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    pinfl = factory.Sequence(pinfl_for)
    full_name = factory.Faker("name")
    user = factory.SubFactory(UserFactory)


class RegionFactory(DjangoModelFactory[Region]):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"R{n:02d}")
    name = factory.Sequence(lambda n: f"Region {n}")


class DistrictFactory(DjangoModelFactory[District]):
    class Meta:
        model = District

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"District {n}")


class ManagementCompanyFactory(DjangoModelFactory[ManagementCompany]):
    class Meta:
        model = ManagementCompany

    name = factory.Sequence(lambda n: f"Servis {n} MChJ")
    tin = factory.Sequence(lambda n: f"{300_000_000 + n}")
    status = RegisterStatus.REGISTERED
