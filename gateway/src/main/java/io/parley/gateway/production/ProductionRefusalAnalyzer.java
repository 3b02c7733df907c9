package io.parley.gateway.production;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a production refusal as Spring Boot's "APPLICATION FAILED TO START" report, without a stack trace. */
public final class ProductionRefusalAnalyzer extends AbstractFailureAnalyzer<ProductionRefusedException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, ProductionRefusedException refused) {
        return new FailureAnalysis(refused.getMessage(), "Fix every setting listed (docs/operations.md#environments "
                + "says what production needs), or start with another profile outside production.", refused);
    }
}
