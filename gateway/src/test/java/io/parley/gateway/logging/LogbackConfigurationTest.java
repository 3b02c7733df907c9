package io.parley.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import ch.qos.logback.core.rolling.helper.CompressionMode;
import ch.qos.logback.core.util.FileSize;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;
import org.springframework.mock.env.MockEnvironment;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * logback-spring.xml as Spring Boot loads it: every appender masks, JSON on the console when asked, and
 * file logs rolled daily, gzipped, kept 7 days (today's file and 6 rolled ones) and capped in size.
 */
class LogbackConfigurationTest {
    private static final String CONFIG = "classpath:logback-spring.xml";
    private static final Set<String> REDACTING_ENCODERS = Set.of(JsonLogEncoder.class.getName(),
            TextLogEncoder.class.getName());

    private final LogbackLoggingSystem logging = new LogbackLoggingSystem(getClass().getClassLoader());

    /** Loads logback-spring.xml as the gateway would with these settings (replacing the JVM's logging setup). */
    private Logger configure(Map<String, String> settings) {
        MockEnvironment environment = new MockEnvironment();
        settings.forEach(environment::setProperty);
        logging.cleanUp();
        logging.beforeInitialize();
        logging.initialize(new LoggingInitializationContext(environment), CONFIG, null);
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    }

    @AfterEach
    void restoreTheDefaultSetup() {
        configure(Map.of());
    }

    private static List<Appender<ILoggingEvent>> appenders(Logger root) {
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            appenders.add(it.next());
        }
        return appenders;
    }

    @Test
    void everyAppenderOfTheFileWritesThroughARedactingEncoder() throws Exception {
        Document config;
        try (InputStream xml = getClass().getResourceAsStream("/logback-spring.xml")) {
            config = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml);
        }
        NodeList appenders = config.getElementsByTagName("appender");
        assertThat(appenders.getLength()).isEqualTo(3);
        for (int i = 0; i < appenders.getLength(); i++) {
            Element appender = (Element) appenders.item(i);
            NodeList encoders = appender.getElementsByTagName("encoder");
            assertThat(encoders.getLength()).as(appender.getAttribute("name")).isEqualTo(1);
            assertThat(((Element) encoders.item(0)).getAttribute("class")).as(appender.getAttribute("name"))
                    .isIn(REDACTING_ENCODERS);
            assertThat(appender.getElementsByTagName("layout").getLength()).isZero();
        }
    }

    @Test
    void byDefaultTheConsoleGetsMaskedTextAndThereAreNoFiles() {
        Logger root = configure(Map.of());

        assertThat(appenders(root)).singleElement().isInstanceOf(ConsoleAppender.class)
                .extracting(a -> ((OutputStreamAppender<ILoggingEvent>) a).getEncoder()).isInstanceOf(TextLogEncoder.class);
    }

    @Test
    void withAFileDirectoryLogsRollDailyInUtcGzippedKeptSevenDaysAndCapped(@TempDir Path directory) throws Exception {
        Logger root = configure(Map.of("parley.logging.console", "json", "parley.logging.file-dir", directory.toString(),
                "parley.logging.total-size-cap", "2GB"));

        Map<String, Appender<ILoggingEvent>> byName = appenders(root).stream()
                .collect(Collectors.toMap(Appender::getName, a -> a));
        assertThat(byName).containsOnlyKeys("CONSOLE_JSON", "FILE");
        assertThat(((ConsoleAppender<ILoggingEvent>) byName.get("CONSOLE_JSON")).getEncoder())
                .isInstanceOf(JsonLogEncoder.class);
        RollingFileAppender<ILoggingEvent> file = (RollingFileAppender<ILoggingEvent>) byName.get("FILE");
        assertThat(file.getEncoder()).isInstanceOf(JsonLogEncoder.class);
        assertThat(Path.of(file.getFile())).isEqualTo(directory.resolve("parley.log"));
        TimeBasedRollingPolicy<?> policy = (TimeBasedRollingPolicy<?>) file.getRollingPolicy();
        assertThat(policy.getFileNamePattern()).isEqualTo(directory + "/parley.%d{yyyy-MM-dd,UTC}.log.gz");
        assertThat(policy.getCompressionMode()).isEqualTo(CompressionMode.GZ);
        assertThat(policy.getMaxHistory()).isEqualTo(6);
        assertThat(policy.isCleanHistoryOnStart()).isTrue();
        assertThat(policy).extracting("totalSizeCap.size").isEqualTo(FileSize.valueOf("2GB").getSize());

        String key = "sk_" + "A".repeat(20) + "b".repeat(23);
        LoggerFactory.getLogger("io.parley.test").warn("a caller sent {}", key);

        List<String> lines = Files.readAllLines(directory.resolve("parley.log"), StandardCharsets.UTF_8);
        assertThat(lines).isNotEmpty().noneMatch(line -> line.contains(key));
        JsonNode last = JsonMapper.builder().build().readTree(lines.get(lines.size() - 1));
        assertThat(last.get("message").asString()).isEqualTo("a caller sent sk_[masked]");
        assertThat(last.get("level").asString()).isEqualTo("WARN");
    }

    @Test
    void theDriversCommandByCommandLogsAreOffByDefault() {
        configure(Map.of());
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

        assertThat(context.getLogger("io.r2dbc.postgresql.client.ReactorNettyClient").isDebugEnabled()).isFalse();
        assertThat(context.getLogger("io.lettuce.core.protocol.CommandHandler").isDebugEnabled()).isFalse();
    }

    @Test
    void boundSqlParametersAndThePostgresWireDumpAreNeverLogged() {
        configure(Map.of());
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger("io.r2dbc").setLevel(Level.TRACE);

        assertThat(context.getLogger("io.r2dbc.postgresql.PARAM").isDebugEnabled()).isFalse();
        assertThat(context.getLogger("io.r2dbc.postgresql.client.ReactorNettyClient").isDebugEnabled()).isFalse();
    }

    @Test
    void bodiesAndRedisPayloadsStayOutOfTheLogWhateverTheRootLevel() {
        configure(Map.of());
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.TRACE);

        assertThat(context.getLogger("org.springframework.http.codec.json.JacksonJsonDecoder").isDebugEnabled()).isFalse();
        assertThat(context.getLogger("org.springframework.core.codec.CharSequenceEncoder").isDebugEnabled()).isFalse();
        assertThat(context.getLogger("io.lettuce.core.protocol.CommandHandler").isDebugEnabled()).isFalse();
        assertThat(context.getLogger("org.springframework.web").isTraceEnabled()).isTrue();
    }
}
