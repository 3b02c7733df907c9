package io.parley.persistence.postgres;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Statement;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Wraps a {@link ConnectionFactory} and writes down every round trip its connections make for the caller: each
 * statement executed (its SQL) and each transaction command ({@code BEGIN}, {@code COMMIT}, {@code ROLLBACK}).
 */
final class StatementLog {

    private static final Set<String> TRANSACTION_COMMANDS = Set.of("beginTransaction", "commitTransaction",
            "rollbackTransaction", "setAutoCommit", "setTransactionIsolationLevel", "createSavepoint",
            "releaseSavepoint", "rollbackTransactionToSavepoint", "setLockWaitTimeout", "setStatementTimeout");

    private final List<String> sent = new ArrayList<>();

    ConnectionFactory wrap(ConnectionFactory factory) {
        return proxy(ConnectionFactory.class, (proxy, method, args) -> method.getName().equals("create")
                ? Mono.from(factory.create()).map(this::wrap)
                : invoke(factory, method, args));
    }

    /** What was sent since the last call, in order; statements by their first words. */
    synchronized List<String> takeSent() {
        List<String> taken = List.copyOf(sent);
        sent.clear();
        return taken;
    }

    private Connection wrap(Connection connection) {
        return proxy(Connection.class, (proxy, method, args) -> {
            if (method.getName().equals("createStatement")) {
                String sql = (String) args[0];
                String[] words = sql.strip().split("\\s+", 3);
                String firstWords = words.length > 1 ? words[0] + " " + words[1] : words[0];
                Statement statement = connection.createStatement(sql);
                return proxy(Statement.class, (statementProxy, statementMethod, statementArgs) -> {
                    if (statementMethod.getName().equals("execute")) {
                        record(firstWords);
                    }
                    Object result = invoke(statement, statementMethod, statementArgs);
                    return result == statement ? statementProxy : result;
                });
            }
            if (TRANSACTION_COMMANDS.contains(method.getName())) {
                record(method.getName());
            }
            return invoke(connection, method, args);
        });
    }

    private synchronized void record(String roundTrip) {
        sent.add(roundTrip);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A proxy of {@code type} equal only to itself (what holders of connections expect). */
    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        InvocationHandler identity = (proxy, method, args) -> switch (method.getName()) {
            case "equals" -> args != null && args.length == 1 && proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> handler.invoke(proxy, method, args);
        };
        return (T) Proxy.newProxyInstance(StatementLog.class.getClassLoader(), new Class<?>[] {type}, identity);
    }
}
