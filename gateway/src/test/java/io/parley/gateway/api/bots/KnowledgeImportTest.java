package io.parley.gateway.api.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.parley.core.port.KnowledgeBase.Draft;
import io.parley.gateway.api.ApiProblem;
import io.parley.gateway.api.bots.KnowledgeImport.Format;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The import splitter alone: documents in, entries or field errors out, nothing stored. */
class KnowledgeImportTest {

    private static ApiProblem refused(Format format, String text) {
        return catchThrowableOfType(ApiProblem.class, () -> KnowledgeImport.split(format, text));
    }

    @Test
    void markdownGivesOneEntryPerHeadingOfLevelOneToThree() {
        List<Draft> entries = KnowledgeImport.split(Format.MARKDOWN, """
                # Shipping
                We ship worldwide.

                Within three days.
                ## Returns ##
                Thirty days.
                #### Not a split
                Still returns.
                ### Empty section
                   \s
                # Code
                ```
                # a shell comment, not a heading
                ```
                """);

        assertThat(entries).containsExactly(
                new Draft("Shipping", "We ship worldwide.\n\nWithin three days."),
                new Draft("Returns", "Thirty days.\n#### Not a split\nStill returns."),
                new Draft("Code", "```\n# a shell comment, not a heading\n```"));
    }

    @Test
    void markdownAcceptsWindowsLineEnds() {
        assertThat(KnowledgeImport.split(Format.MARKDOWN, "# One\r\nBody one\r\n# Two\r\nBody two\r\n"))
                .containsExactly(new Draft("One", "Body one"), new Draft("Two", "Body two"));
    }

    @Test
    void markdownTextBeforeTheFirstHeadingIsRefused() {
        ApiProblem problem = refused(Format.MARKDOWN, "Intro without a title\n# Heading\nBody\n");
        assertThat(problem.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("text");
            assertThat(error.message()).contains("before the first heading");
        });
    }

    @Test
    void markdownWithoutAnySectionIsRefused() {
        assertThat(refused(Format.MARKDOWN, "# Only a heading\n\n").errors().get(0).message()).contains("No section");
    }

    @Test
    void markdownTooLongTitleNamesTheSection() {
        ApiProblem problem = refused(Format.MARKDOWN, "# Fine\nBody\n# " + "t".repeat(201) + "\nBody\n");
        assertThat(problem.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("text");
            assertThat(error.message()).startsWith("Section 2:");
        });
    }

    @Test
    void faqGivesOneEntryPerQuestionAndAnswerBlock() {
        List<Draft> entries = KnowledgeImport.split(Format.FAQ, """
                Q: Do you ship abroad?
                A: Yes, worldwide.

                Q: How long do returns take?
                A: Thirty days,
                counted from delivery.
                """);

        assertThat(entries).containsExactly(
                new Draft("Do you ship abroad?", "Yes, worldwide."),
                new Draft("How long do returns take?", "Thirty days,\ncounted from delivery."));
    }

    @Test
    void aMalformedFaqBlockIsAFieldErrorNamingItsNumber() {
        ApiProblem problem = refused(Format.FAQ, """
                Q: Fine?
                A: Fine.

                Q: No answer here
                Just text.

                Not a question
                A: orphan
                """);
        assertThat(problem.errors()).extracting(ApiProblem.FieldError::field).containsOnly("text");
        assertThat(problem.errors()).extracting(ApiProblem.FieldError::message)
                .satisfiesExactly(first -> assertThat(first).startsWith("Block 2:"),
                        second -> assertThat(second).startsWith("Block 3:"));
    }

    @Test
    void moreThanAThousandEntriesAreRefused() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i <= KnowledgeImport.MAX_ENTRIES; i++) {
            text.append("Q: question ").append(i).append("\nA: answer\n\n");
        }
        assertThat(refused(Format.FAQ, text.toString()).errors().get(0).message()).contains("At most 1000");
    }

    @Test
    void moreThanOneMebibyteOfTextIsRefused() {
        String text = "# T\n" + "é".repeat(KnowledgeImport.MAX_TEXT_BYTES / 2);
        assertThat(refused(Format.MARKDOWN, text).errors().get(0).message()).contains("1 MiB");
    }
}
