package dev.weir.dataplane.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The data plane's logging, set up in code (found through {@code META-INF/services}) rather than
 * from a logback.xml: the XML reader and logback's configuration model are some 350 classes, and
 * about 5 MiB of a data plane's idle memory (measured: settled idle RSS 123–125 → 118–119 MiB).
 *
 * <ul>
 *   <li>The program's own logs on stdout, in the format {@code WEIR_LOG_FORMAT} names: {@code text}
 *       (the default, one concise line; e2e tests parse "probe listening on HOST:PORT") or {@code
 *       json} (one JSON object per event). {@code DataplaneConfig} refuses any other value.
 *   <li>Access logs ({@link Telemetry#ACCESS_LOGGER}): each message is a finished line, written as
 *       it is and only there.
 *   <li>gRPC and Netty at WARN.
 * </ul>
 *
 * An explicit configuration still wins: with {@code -Dlogback.configurationFile}, or a {@code
 * logback-test.xml} on the class path, this steps aside and logback reads that file.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    boolean json = "json".equals(System.getenv("WEIR_LOG_FORMAT"));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(
        console(
            context,
            "console",
            json
                ? json(context)
                : pattern(context, "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n")));
    Logger access = context.getLogger(Telemetry.ACCESS_LOGGER);
    access.setLevel(Level.INFO);
    access.setAdditive(false);
    access.addAppender(console(context, "access", pattern(context, "%msg%n")));
    context.getLogger("io.grpc").setLevel(Level.WARN);
    context.getLogger("io.netty").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static ConsoleAppender<ILoggingEvent> console(
      LoggerContext context, String name, Encoder<ILoggingEvent> encoder) {
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(name);
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }

  private static Encoder<ILoggingEvent> pattern(LoggerContext context, String pattern) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithFormattedMessage(true);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.start();
    return encoder;
  }
}
