"""API of the accounts app: who am I, and my phone number."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.forms import MSG_PHONE_TAKEN
from accounts.models import User
from accounts.permissions import roles_of
from accounts.services import user_phone_set
from accounts.validators import normalize_phone, validate_phone


class MembershipOut(serializers.Serializer):
    role = serializers.CharField()
    organization = serializers.IntegerField(allow_null=True)
    district = serializers.IntegerField(allow_null=True)
    region = serializers.IntegerField(allow_null=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True, allow_null=True)
    phone = serializers.CharField(allow_blank=True, allow_null=True, max_length=20)
    full_name = serializers.CharField(read_only=True)
    pinfl = serializers.CharField(read_only=True, allow_null=True)
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)
    memberships = MembershipOut(many=True, read_only=True)

    def validate_phone(self, value: str | None) -> str | None:
        if not value:
            return None
        phone = normalize_phone(value)
        try:
            validate_phone(phone)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0]) from None
        user: User = self.context["request"].user
        if User.objects.filter(phone=phone).exclude(pk=user.pk).exists():
            raise serializers.ValidationError(str(MSG_PHONE_TAKEN))
        return phone


def _me(user: User) -> dict[str, Any]:
    roles = roles_of(user)
    memberships = [
        {
            "role": m.role,
            "organization": m.organization_id,
            "district": m.district_id,
            "region": m.region_id,
        }
        for m in user.memberships.active()
    ]
    return {
        "id": user.pk,
        "email": user.email,
        "phone": user.phone,
        "full_name": roles.person.full_name if roles.person else "",
        "pinfl": roles.person.pinfl if roles.person else None,
        "roles": sorted(roles.names),
        "memberships": memberships,
    }


class MeView(APIView):
    """The authenticated login: identity, roles and memberships."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(_me(request.user)).data)  # type: ignore[arg-type]

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        serializer = MeSerializer(data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        if "phone" in serializer.validated_data:
            user_phone_set(user=request.user, phone=serializer.validated_data["phone"] or "")  # type: ignore[arg-type]
        return Response(MeSerializer(_me(request.user)).data)  # type: ignore[arg-type]
