package io.parley.gateway.backup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * PostgreSQL's own client programs, run as child processes: {@code pg_dump} (custom format: compressed,
 * and {@code pg_restore} can replay it in one transaction), {@code pg_restore} and {@code psql}. Data
 * flows through their standard input and output only, never through a file. Each run is stopped after
 * {@code timeout}; their error output (the last lines) becomes the message of a failure.
 */
final class PostgresTools {
    private static final int BUFFER = 64 * 1024;
    private static final String COUNT_RELATIONS = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

    private final String binDir;
    private final Duration timeout;

    PostgresTools(String binDir, Duration timeout) {
        this.binDir = binDir;
        this.timeout = timeout;
    }

    /** Writes a custom-format dump of {@code source} to {@code sink}; fails unless pg_dump exits 0. */
    void dump(PgTarget source, OutputStream sink) {
        Run run = start(List.of(program("pg_dump"), "--format=custom", "--no-password", "--dbname=" + source.url()),
                source, ProcessBuilder.Redirect.PIPE);
        try {
            run.process.getOutputStream().close();
            try (InputStream dump = run.process.getInputStream()) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = dump.read(buffer)) >= 0; ) {
                    try {
                        sink.write(buffer, 0, n);
                    } catch (IOException e) {
                        run.kill();
                        throw new BackupException("cannot write the backup: " + e.getMessage(), e);
                    }
                }
            }
        } catch (IOException e) {
            run.kill();
            throw new BackupException("reading from pg_dump failed: " + e.getMessage() + run.errors(), e);
        }
        run.requireSuccess("pg_dump of " + source.display());
    }

    /**
     * Replays a custom-format dump into {@code target} in one transaction (nothing is committed unless
     * all of it applies). {@code clean} drops the objects of the dump that exist first. When
     * {@code plaintext} fails mid-way, pg_restore is killed while its input is still open, so it never
     * commits.
     */
    void restore(InputStream plaintext, PgTarget target, boolean clean) {
        List<String> command = new ArrayList<>(List.of(program("pg_restore"), "--single-transaction", "--exit-on-error",
                "--no-owner", "--no-acl", "--no-password", "--dbname=" + target.url()));
        if (clean) {
            command.addAll(List.of("--clean", "--if-exists"));
        }
        Run run = start(command, target, ProcessBuilder.Redirect.DISCARD);
        OutputStream input = run.process.getOutputStream();
        byte[] buffer = new byte[BUFFER];
        while (true) {
            int n;
            try {
                n = plaintext.read(buffer);
            } catch (IOException e) {
                run.kill();
                throw new BackupException("the backup stopped decrypting mid-way (" + e.getMessage()
                        + "); pg_restore was stopped before it could commit, so " + target.display()
                        + " is as it was", e);
            }
            if (n < 0) {
                break;
            }
            try {
                input.write(buffer, 0, n);
            } catch (IOException e) {
                // pg_restore stopped reading: it failed; its exit status and errors say why
                break;
            }
        }
        try {
            input.close();
        } catch (IOException e) {
            // pg_restore already gone: requireSuccess reports it
        }
        run.requireSuccess("pg_restore into " + target.display() + " (rolled back: nothing restored)");
    }

    /** How many tables, views, sequences and foreign tables the database has outside the system schemas. */
    long userRelations(PgTarget target) {
        Run run = start(List.of(program("psql"), "--no-psqlrc", "--no-password", "--tuples-only", "--no-align",
                        "--quiet", "--set=ON_ERROR_STOP=1", "--dbname=" + target.url(), "--command=" + COUNT_RELATIONS),
                target, ProcessBuilder.Redirect.PIPE);
        String output;
        try {
            run.process.getOutputStream().close();
            try (InputStream stdout = run.process.getInputStream()) {
                output = new String(stdout.readNBytes(4096), StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            run.kill();
            throw new BackupException("psql failed: " + e.getMessage() + run.errors(), e);
        }
        run.requireSuccess("looking into " + target.display() + " with psql");
        try {
            return Long.parseLong(output);
        } catch (NumberFormatException e) {
            throw new BackupException("psql answered \"" + output + "\" where a count was expected");
        }
    }

    private String program(String name) {
        return binDir.isBlank() ? name : Path.of(binDir, name).toString();
    }

    private Run start(List<String> command, PgTarget database, ProcessBuilder.Redirect stdout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout);
        if (database.password() != null) {
            builder.environment().put("PGPASSWORD", database.password());
        }
        builder.environment().putIfAbsent("PGCONNECT_TIMEOUT", "15");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BackupException(command.get(0) + " cannot be run (" + e.getMessage() + "): install PostgreSQL's"
                    + " client programs (Debian: postgresql-client), at least the server's major version, or set"
                    + " parley.backup.pg-bin-dir", e);
        }
        return new Run(command.get(0), process, timeout);
    }

    /** A started program: its last error lines collected as they come, and a watchdog that stops it after the timeout. */
    private static final class Run {
        private static final int KEPT_LINES = 15;

        private final String name;
        private final Process process;
        private final Deque<String> lastErrors = new ArrayDeque<>();
        private final Thread errorReader;
        private final AtomicBoolean timedOut = new AtomicBoolean();
        private final Duration timeout;

        Run(String name, Process process, Duration timeout) {
            this.name = Path.of(name).getFileName().toString();
            this.process = process;
            this.timeout = timeout;
            this.errorReader = new Thread(this::readErrors, this.name + "-stderr");
            errorReader.setDaemon(true);
            errorReader.start();
            CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (process.isAlive()) {
                    timedOut.set(true);
                    process.destroyForcibly();
                }
            });
        }

        private void readErrors() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    synchronized (lastErrors) {
                        lastErrors.addLast(line);
                        if (lastErrors.size() > KEPT_LINES) {
                            lastErrors.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                // the program is gone; what was read is kept
            }
        }

        void kill() {
            process.destroyForcibly();
            awaitExit();
        }

        String errors() {
            try {
                errorReader.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (lastErrors) {
                return lastErrors.isEmpty() ? "" : ":\n  " + String.join("\n  ", lastErrors);
            }
        }

        void requireSuccess(String what) {
            int exit = awaitExit();
            if (timedOut.get()) {
                throw new BackupException(what + " ran longer than " + timeout + " (parley.backup.timeout) and was stopped"
                        + errors());
            }
            if (exit != 0) {
                throw new BackupException(what + " failed: " + name + " exited with " + exit + errors());
            }
        }

        private int awaitExit() {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new BackupException(name + " was interrupted");
            }
        }
    }
}
