"""URL map. Pages are server-rendered; the API lives under /api/v1/."""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from accounts.api import MeView
from billing import api as billing_api
from billing import report_api, revenue_api
from billing.payments import views as payment_views
from buildings import api as buildings_api
from core.ids import IdConverter
from dispatch import api as dispatch_api
from lots import api as lots_api
from mening_uyim.api_root import ApiRoot
from mening_uyim.views import healthz, home
from voting import api as voting_api
from voting import meeting_api

# Every id in a path: ASCII digits that fit a 64-bit key (core.ids), registered before the
# apps' URL modules are included below.
register_converter(IdConverter, "id")

# The admin login goes through allauth's login, with its rate limits (429 past the limit).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Mening Uyim"
admin.site.site_title = "Mening Uyim"

api_v1 = [
    # machine-to-machine: the payment providers (auth by Payme's key, by Click's signature);
    # first, as the busiest routes of the API
    path("payments/payme/", payment_views.payme_endpoint, name="payments-payme"),
    path("payments/click/prepare/", payment_views.click_prepare, name="payments-click-prepare"),
    path("payments/click/complete/", payment_views.click_complete, name="payments-click-complete"),
    path("me/", MeView.as_view(), name="me"),
    path("me/apartments/", buildings_api.MyApartments.as_view(), name="my-apartments"),
    path("buildings/", buildings_api.BuildingList.as_view(), name="buildings"),
    path("buildings/<id:pk>/", buildings_api.BuildingDetail.as_view(), name="building"),
    path("assessments/", buildings_api.AssessmentList.as_view(), name="assessments"),
    path("turar-joy/import/", buildings_api.TurarJoyImport.as_view(), name="turar-joy-import"),
    path("lots/", lots_api.LotList.as_view(), name="lots"),
    path("lots/<id:pk>/", lots_api.LotDetail.as_view(), name="lot"),
    path("register/", lots_api.Register.as_view(), name="register"),
    path("elections/", voting_api.ElectionList.as_view(), name="elections"),
    path("elections/<id:pk>/", voting_api.ElectionDetail.as_view(), name="election"),
    path("elections/<id:pk>/ballots/", voting_api.BallotCreate.as_view(), name="election-ballot"),
    path("elections/<id:pk>/board/", voting_api.BoardList.as_view(), name="election-board"),
    path("me/receipts/", voting_api.MyReceipts.as_view(), name="my-receipts"),
    path("meetings/", meeting_api.MeetingList.as_view(), name="meetings"),
    path("meetings/<id:pk>/", meeting_api.MeetingDetail.as_view(), name="meeting"),
    path(
        "meetings/<id:pk>/ballots/",
        meeting_api.MeetingBallotCreate.as_view(),
        name="meeting-ballot",
    ),
    path("meetings/<id:pk>/board/", meeting_api.MeetingBoardList.as_view(), name="meeting-board"),
    path(
        "me/meeting-receipts/",
        meeting_api.MyMeetingReceipts.as_view(),
        name="my-meeting-receipts",
    ),
    path("register/<id:pk>/eligibility/", lots_api.Eligibility.as_view(), name="eligibility"),
    # billing: bills, tariffs, additional revenue, leases, violations, the MCs' money by month
    path("me/bills/", billing_api.MyBills.as_view(), name="my-bills"),
    path("apartments/<id:pk>/bill/", billing_api.ApartmentBill.as_view(), name="apartment-bill"),
    path(
        "apartments/<id:pk>/receipts/<str:period>.pdf",
        billing_api.ApartmentReceipt.as_view(),
        name="apartment-receipt",
    ),
    path("lots/<id:pk>/tariffs/", billing_api.LotTariffs.as_view(), name="lot-tariffs"),
    path("tickets/", dispatch_api.TicketList.as_view(), name="tickets"),
    path("tickets/<id:pk>/", dispatch_api.TicketDetail.as_view(), name="ticket"),
    path("dispatch/queue/", dispatch_api.Queue.as_view(), name="dispatch-queue"),
    path("revenue/", revenue_api.RevenueList.as_view(), name="revenue"),
    path("revenue/<id:pk>/", revenue_api.RevenueDetail.as_view(), name="revenue-detail"),
    path("leases/", revenue_api.LeaseList.as_view(), name="leases"),
    path("leases/<id:pk>/", revenue_api.LeaseDetail.as_view(), name="lease"),
    path(
        "leases/<id:pk>/registration/",
        revenue_api.LeaseRegistration.as_view(),
        name="lease-registration",
    ),
    path("violations/", revenue_api.ViolationList.as_view(), name="violations"),
    path("inspection/months/", revenue_api.InspectionMonths.as_view(), name="inspection-months"),
    # quarterly reports: the MCs' integrations file them, their readers read them
    path("reports/", report_api.ReportList.as_view(), name="reports"),
    path("reports/<id:pk>/", report_api.ReportDetail.as_view(), name="report"),
    path("reports/<id:pk>/works/", report_api.ReportWorks.as_view(), name="report-works"),
    path("reports/<id:pk>/submit/", report_api.ReportSubmit.as_view(), name="report-submit"),
    path("reports/<id:pk>/versions/", report_api.ReportVersions.as_view(), name="report-versions"),
    path("", ApiRoot.as_view(), name="root"),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("organizations/", include("organizations.urls")),
    path("registry/", include("buildings.urls")),
    path("lots/", include("lots.urls")),
    path("voting/", include("voting.urls")),
    path("billing/", include("billing.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[AllowAny]),
        name="swagger-ui",
    ),
]

if settings.ONEID_FAKE:
    # The embedded stand-in of OneID (accounts/oneid/fake.py); never in production.
    urlpatterns.append(
        path("fake-oneid/", include("accounts.oneid.fake_urls", namespace="fake_oneid"))
    )

handler400 = "mening_uyim.views.bad_request"
handler404 = "mening_uyim.views.not_found"
handler500 = "mening_uyim.views.server_error"
