from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import serializers, services, tokens
from accounts.authentication import request_user
from marketplace.throttling import AnonRateThrottle, AuthRateThrottle
from marketplace.validation import validated


class SignupView(APIView):
    """U-01: public signup."""

    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle, AnonRateThrottle]
    idempotent = True

    @extend_schema(
        request=serializers.SignupSerializer,
        responses={201: serializers.SignupResponseSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(serializers.SignupSerializer, request.data)
        user, pair = services.user_signup(**data)
        body = {"user_id": str(user.pk), **asdict(pair)}
        return Response(body, status=status.HTTP_201_CREATED)


class LoginView(APIView):
    """U-05: e-mail and password for a token pair."""

    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle, AnonRateThrottle]

    @extend_schema(
        request=serializers.LoginSerializer,
        responses={200: serializers.TokenPairSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(serializers.LoginSerializer, request.data)
        pair = services.user_login(**data)
        return Response(asdict(pair))


class RefreshView(APIView):
    """U-06: rotate a refresh token."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=serializers.RefreshSerializer,
        responses={200: serializers.TokenPairSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(serializers.RefreshSerializer, request.data)
        pair = tokens.token_pair_rotate(refresh_token=data["refresh_token"])
        return Response(asdict(pair))


class LogoutView(APIView):
    """Revoke the presented access token and, if sent, the refresh token."""

    @extend_schema(request=serializers.LogoutSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = validated(serializers.LogoutSerializer, request.data)
        services.user_logout(
            user=request_user(request),
            access_token=request.auth,
            refresh_token=data.get("refresh_token"),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The caller's own account (U-07, U-08)."""

    @extend_schema(responses={200: serializers.UserSerializer})
    def get(self, request: Request) -> Response:
        return Response(serializers.UserSerializer(request.user).data)

    @extend_schema(
        request=serializers.UserUpdateSerializer,
        responses={200: serializers.UserSerializer},
    )
    def patch(self, request: Request) -> Response:
        data = validated(serializers.UserUpdateSerializer, request.data)
        user = services.user_update(user=request_user(request), **data)
        return Response(serializers.UserSerializer(user).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        services.user_deactivate(user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
