"""API of screening: the public self-test (SCR-1), under the same rules as the web self-test."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Campaign
from core.selectors import centre_profile
from lib.request_context import client_ip_from_request

from . import services as campaigns
from .serializers import SelfTestResponseSerializer, SelfTestSubmitSerializer


class PublicSelfTest(APIView):
    """Submit a whole self-test sitting for a running campaign (no login; e.g. a kiosk app).

    Follows the same rules as the web self-test: consent first, identification as the campaign
    says, the battery complete (a positive screener may bring its full instrument), one stored
    sitting per idempotency key.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=SelfTestSubmitSerializer, responses={201: SelfTestResponseSerializer})
    def post(self, request, token: str):
        campaign = Campaign.objects.filter(token=token).first()
        if campaign is None:
            raise Http404
        data = SelfTestSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        answers = values["answers"]
        resident = None
        if campaign.identification != Campaign.Identification.ANONYMOUS:
            resident = campaigns.identify(
                campaign=campaign,
                name=values["name"],
                id_number=values["id_number"],
                student_number=values["student_number"],
                client_ip=client_ip_from_request(request._request),
            )
        result = campaigns.selftest_submit(
            campaign=campaign,
            resident=resident,
            answers=answers,
            idempotency_key=values["idempotency_key"],
            consent=campaigns.SelfTestConsent.now(agreed=values["consent"]),
        )
        body = {
            "stored": result.created,
            "needs_care": result.needs_care,
            "hotline": centre_profile().hotline,
            "results": [
                {
                    "instrument": a.instrument_code,
                    "valid": a.valid,
                    "total": a.total,
                    "band": a.band,
                    "flags": a.flags,
                }
                for a in result.assessments
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
