package io.parley.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.IdentitySecret;
import io.parley.core.model.IdentitySecretId;
import io.parley.core.model.VerifiedIdentity;
import io.parley.core.testing.SignedIdentities;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityTokensTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final long NOW_S = NOW.getEpochSecond();
    private static final IdentitySecret FIRST = secret("is_first", (byte) 1);
    private static final IdentitySecret SECOND = secret("is_second", (byte) 2);
    private static final IdentitySecret OTHER = secret("is_other", (byte) 3);

    private final IdentityTokens tokens = new IdentityTokens();

    private static IdentitySecret secret(String id, byte fill) {
        byte[] bytes = new byte[IdentitySecret.BYTES];
        Arrays.fill(bytes, fill);
        return new IdentitySecret(new IdentitySecretId(id), bytes, NOW);
    }

    private static String claims(long exp) {
        return "{\"sub\":\"user-42\",\"exp\":" + exp + ",\"iat\":" + NOW_S + "}";
    }

    private IdentityTokens.Verification verify(String token) {
        return tokens.verify(token, List.of(FIRST, SECOND), NOW);
    }

    private static void assertRefused(IdentityTokens.Verification verification, String why) {
        assertThat(verification).isInstanceOf(IdentityTokens.Refused.class);
        assertThat(((IdentityTokens.Refused) verification).why()).contains(why);
    }

    @Test
    void acceptsAValidTokenWithItsPersonalClaimsAndIgnoresUnknownOnes() {
        String token = SignedIdentities.hs256(FIRST.secret(), "{\"sub\":\"user-42\",\"exp\":" + (NOW_S + 600)
                + ",\"email\":\"jane@example.com\",\"name\":\"Jane Doe\",\"phone\":\"+1 555 0100\",\"plan\":\"gold\"}");

        assertThat(verify(token)).isEqualTo(new IdentityTokens.Verified(
                new VerifiedIdentity("user-42", "jane@example.com", "Jane Doe", "+1 555 0100")));
    }

    @Test
    void acceptsATokenSignedWithTheSecondActiveSecret() {
        String token = SignedIdentities.hs256(SECOND.secret(), claims(NOW_S + 600));

        assertThat(verify(token)).isEqualTo(new IdentityTokens.Verified(new VerifiedIdentity("user-42", null, null, null)));
    }

    @Test
    void refusesATokenSignedWithAnotherSecret() {
        assertRefused(verify(SignedIdentities.hs256(OTHER.secret(), claims(NOW_S + 600))), "signature does not match");
    }

    @Test
    void refusesEveryTokenWhenTheBotHasNoActiveSecret() {
        String token = SignedIdentities.hs256(FIRST.secret(), claims(NOW_S + 600));

        assertRefused(tokens.verify(token, List.of(), NOW), "no active secret");
    }

    @Test
    void aKidPicksTheSecretItNames() {
        String claims = claims(NOW_S + 600);
        String signedWithSecond = SignedIdentities.signed("{\"alg\":\"HS256\",\"kid\":\"is_second\"}", claims,
                SECOND.secret());
        String namesFirstButSignedWithSecond = SignedIdentities.signed("{\"alg\":\"HS256\",\"kid\":\"is_first\"}",
                claims, SECOND.secret());
        String namesUnknown = SignedIdentities.signed("{\"alg\":\"HS256\",\"kid\":\"is_revoked\"}", claims,
                SECOND.secret());

        assertThat(verify(signedWithSecond)).isInstanceOf(IdentityTokens.Verified.class);
        assertRefused(verify(namesFirstButSignedWithSecond), "signature does not match");
        assertRefused(verify(namesUnknown), "no active secret");
    }

    @Test
    void refusesAlgNoneEvenWithoutASignature() {
        String unsigned = SignedIdentities.encode("{\"alg\":\"none\"}") + "."
                + SignedIdentities.encode(claims(NOW_S + 600)) + ".";
        String noneButSigned = SignedIdentities.signed("{\"alg\":\"none\"}", claims(NOW_S + 600), FIRST.secret());

        assertRefused(verify(unsigned), "three base64url parts");
        assertRefused(verify(noneButSigned), "alg must be HS256");
    }

    @Test
    void refusesOtherAlgorithmsInTheHeader() {
        for (String alg : List.of("HS512", "HS384", "RS256", "ES256", "PS256", "hs256")) {
            String token = SignedIdentities.signed("{\"alg\":\"" + alg + "\"}", claims(NOW_S + 600), FIRST.secret());
            assertRefused(verify(token), "alg must be HS256");
        }
        assertRefused(verify(SignedIdentities.signed("{\"typ\":\"JWT\"}", claims(NOW_S + 600), FIRST.secret())),
                "alg must be HS256");
    }

    @Test
    void refusesATokenWithoutExp() {
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(), "{\"sub\":\"user-42\"}")), "exp");
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(), "{\"sub\":\"user-42\",\"exp\":\"soon\"}")), "exp");
    }

    @Test
    void refusesAnExpiredTokenOnceTheLeewayIsOver() {
        assertThat(verify(SignedIdentities.hs256(FIRST.secret(), claims(NOW_S - 30))))
                .isInstanceOf(IdentityTokens.Verified.class);
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(), claims(NOW_S - 61))), "expired");
    }

    @Test
    void refusesATokenLivingLongerThanADay() {
        assertThat(verify(SignedIdentities.hs256(FIRST.secret(), claims(NOW_S + 24 * 3600))))
                .isInstanceOf(IdentityTokens.Verified.class);
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(), claims(NOW_S + 24 * 3600 + 120))), "24 h");
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(), claims(Long.MAX_VALUE))), "exp");
    }

    @Test
    void refusesATokenIssuedInTheFuture() {
        String token = SignedIdentities.hs256(FIRST.secret(),
                "{\"sub\":\"user-42\",\"exp\":" + (NOW_S + 600) + ",\"iat\":" + (NOW_S + 300) + "}");

        assertRefused(verify(token), "iat");
    }

    @Test
    void refusesATokenWithoutAFittingSub() {
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(), "{\"exp\":" + (NOW_S + 600) + "}")), "sub");
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(), "{\"sub\":\"\",\"exp\":" + (NOW_S + 600) + "}")), "sub");
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(), "{\"sub\":42,\"exp\":" + (NOW_S + 600) + "}")), "sub");
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(),
                "{\"sub\":\"" + "u".repeat(257) + "\",\"exp\":" + (NOW_S + 600) + "}")), "sub");
    }

    @Test
    void refusesPersonalClaimsThatDoNotFit() {
        String exp = ",\"exp\":" + (NOW_S + 600) + "}";
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(), "{\"sub\":\"u\",\"email\":\"not-an-address\"" + exp)),
                "email");
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(),
                "{\"sub\":\"u\",\"name\":\"" + "n".repeat(201) + "\"" + exp)), "name");
        assertRefused(verify(SignedIdentities.hs256(FIRST.secret(), "{\"sub\":\"u\",\"phone\":5550100" + exp)), "phone");
    }

    @Test
    void refusesATamperedPayload() {
        String token = SignedIdentities.hs256(FIRST.secret(), claims(NOW_S + 600));
        String[] parts = token.split("\\.");
        String otherUser = SignedIdentities.encode("{\"sub\":\"admin\",\"exp\":" + (NOW_S + 600) + "}");

        assertRefused(verify(parts[0] + "." + otherUser + "." + parts[2]), "signature does not match");
    }

    @Test
    void refusesAClaimGivenTwice() {
        String token = SignedIdentities.hs256(FIRST.secret(),
                "{\"sub\":\"user-42\",\"sub\":\"admin\",\"exp\":" + (NOW_S + 600) + "}");

        assertRefused(verify(token), "payload is not a JSON object");
    }

    @Test
    void refusesWhatIsNoJwtAtAll() {
        assertRefused(verify("not a token"), "three base64url parts");
        assertRefused(verify("a.b.c.d"), "three base64url parts");
        assertRefused(verify("x".repeat(5000)), "longer than");
    }
}
