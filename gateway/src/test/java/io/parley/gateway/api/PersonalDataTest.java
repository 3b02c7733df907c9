package io.parley.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.core.model.Author;
import io.parley.core.model.AuthorRole;
import org.junit.jupiter.api.Test;

/** The masks of visitors' personal data, including input no form would produce. */
class PersonalDataTest {

    @Test
    void shownValuesAndNullsPassUnchanged() {
        assertThat(PersonalData.email("jane@example.com", true)).isEqualTo("jane@example.com");
        assertThat(PersonalData.name("Jane Doe", true)).isEqualTo("Jane Doe");
        assertThat(PersonalData.phone("+44 20 7946 0958", true)).isEqualTo("+44 20 7946 0958");
        assertThat(PersonalData.ip("203.0.113.7", true)).isEqualTo("203.0.113.7");
        assertThat(PersonalData.email(null, false)).isNull();
        assertThat(PersonalData.name(null, false)).isNull();
        assertThat(PersonalData.phone(null, false)).isNull();
        assertThat(PersonalData.ip(null, false)).isNull();
    }

    @Test
    void emailKeepsOnlyFirstLettersAndTopLevelDomain() {
        assertThat(PersonalData.email("jane.doe@example.com", false)).isEqualTo("j***@e***.com");
        assertThat(PersonalData.email("j@mail.example.co.uk", false)).isEqualTo("j***@m***.uk");
    }

    @Test
    void oddEmailsRevealNothingBeyondFirstLetters() {
        assertThat(PersonalData.email("@", false)).isEqualTo("***");
        assertThat(PersonalData.email("", false)).isEqualTo("***");
        assertThat(PersonalData.email("no-at-sign", false)).isEqualTo("***");
        assertThat(PersonalData.email("a@b", false)).isEqualTo("a***@b***");
        assertThat(PersonalData.email("jane@", false)).isEqualTo("j***@");
        assertThat(PersonalData.email("\uD83D\uDE00x@\uD83D\uDE00y.org", false)).isEqualTo("\uD83D\uDE00***@\uD83D\uDE00***.org");
    }

    @Test
    void nameKeepsTheFirstLetterOfEachWord() {
        assertThat(PersonalData.name("Jane Doe", false)).isEqualTo("J*** D***");
        assertThat(PersonalData.name("  Jane   van  Doe ", false)).isEqualTo("J*** v*** D***");
        assertThat(PersonalData.name("Zoë Ångström", false)).isEqualTo("Z*** Å***");
        assertThat(PersonalData.name("山田太郎", false)).isEqualTo("山***");
        // a letter outside the BMP is kept whole, never half a surrogate pair
        assertThat(PersonalData.name("\uD835\uDD04lice", false)).isEqualTo("\uD835\uDD04***");
        assertThat(PersonalData.name("", false)).isEqualTo("***");
        assertThat(PersonalData.name("   ", false)).isEqualTo("***");
    }

    @Test
    void phoneKeepsTheLastTwoDigitsOfLongNumbersOnly() {
        assertThat(PersonalData.phone("+44 20 7946 0958", false)).isEqualTo("***58");
        assertThat(PersonalData.phone("12345", false)).isEqualTo("***");
        assertThat(PersonalData.phone("call me", false)).isEqualTo("***");
    }

    @Test
    void ipKeepsTheNetworkHalf() {
        assertThat(PersonalData.ip("203.0.113.7", false)).isEqualTo("203.0.x.x");
        assertThat(PersonalData.ip("2001:db8::1", false)).isEqualTo("2001:db8:x:x…");
        assertThat(PersonalData.ip("not an address", false)).isEqualTo("x.x.x.x");
        assertThat(PersonalData.ip("1.2.3", false)).isEqualTo("x.x.x.x");
    }

    @Test
    void authorNamesOfVisitorsAreMaskedButTheAnonymousNameAndOthersAreNot() {
        Author named = new Author(AuthorRole.VISITOR, "v_1", "Jane Doe");
        assertThat(VisitorViews.authorName(named, false)).isEqualTo("J*** D***");
        assertThat(VisitorViews.authorName(named, true)).isEqualTo("Jane Doe");
        assertThat(VisitorViews.authorName(new Author(AuthorRole.VISITOR, "v_1", "Visitor"), false)).isEqualTo("Visitor");
        assertThat(VisitorViews.authorName(new Author(AuthorRole.BOT, "b_1", "Parley Bot"), false)).isEqualTo("Parley Bot");
    }
}
