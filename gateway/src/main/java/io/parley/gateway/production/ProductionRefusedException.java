package io.parley.gateway.production;

import java.util.List;

/** The {@code prod} profile's refusal to start, listing every problem found. */
public final class ProductionRefusedException extends IllegalStateException {
    private final List<String> problems;

    public ProductionRefusedException(List<String> problems) {
        super("refusing to start with the prod profile: " + problems.size() + " problem(s)\n  - "
                + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
