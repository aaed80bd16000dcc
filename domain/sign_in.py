"""Single-use, expiring sign-in links: the token names the member and their current sign-in nonce."""

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from domain.errors import Rejected

LINK_LIFETIME_SECONDS = 30 * 60


@dataclass(frozen=True)
class SignInClaim:
    member_id: int
    nonce: int


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="perennial-sign-in")


def issue_token(secret: str, claim: SignInClaim) -> str:
    return _serializer(secret).dumps({"m": claim.member_id, "n": claim.nonce})


def read_token(secret: str, token: str, max_age: int = LINK_LIFETIME_SECONDS) -> SignInClaim:
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise Rejected("This sign-in link has expired; ask for a new one.") from exc
    except BadSignature as exc:
        raise Rejected("This sign-in link is not valid; ask for a new one.") from exc
    return SignInClaim(member_id=int(data["m"]), nonce=int(data["n"]))


CAMPAIGN_LINK_LIFETIME_SECONDS = 60 * 24 * 3600  # a re-engagement email may sit unread for weeks


@dataclass(frozen=True)
class CampaignClaim:
    campaign_id: int
    member_id: int


def issue_campaign_token(secret: str, campaign_id: int, member_id: int) -> str:
    """An "I'm back" link: it says who answered which campaign; it does not sign anyone in."""
    return URLSafeTimedSerializer(secret, salt="perennial-campaign").dumps({"c": campaign_id, "m": member_id})


def read_campaign_token(secret: str, token: str) -> CampaignClaim:
    try:
        data = URLSafeTimedSerializer(secret, salt="perennial-campaign").loads(
            token, max_age=CAMPAIGN_LINK_LIFETIME_SECONDS
        )
    except BadSignature as exc:  # includes expiry
        raise Rejected("This link is not valid any more; sign in to pick up your journey.") from exc
    return CampaignClaim(int(data["c"]), int(data["m"]))
