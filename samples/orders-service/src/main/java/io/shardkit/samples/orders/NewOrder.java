package io.shardkit.samples.orders;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The body of {@code POST /customers/{id}/orders}: {@code {"amount": 19.99, "status": "NEW"}}. */
public record NewOrder(BigDecimal amount, String status) {
    /** The largest amount the {@code total DECIMAL(12,2)} column holds. */
    static final BigDecimal MAX_AMOUNT = new BigDecimal("9999999999.99");

    /** Refuses what the table would refuse (or store rounded), naming every rule the body breaks at once. */
    void validate() {
        List<String> problems = new ArrayList<>();
        if (amount == null) {
            problems.add("amount is required, e.g. {\"amount\": 19.99, \"status\": \"NEW\"}");
        } else if (amount.signum() <= 0) {
            problems.add("amount must be positive, got " + amount.toPlainString());
        } else if (amount.stripTrailingZeros().scale() > 2) {
            problems.add("amount has at most 2 decimals, got " + amount.toPlainString());
        } else if (amount.compareTo(MAX_AMOUNT) > 0) {
            problems.add("amount must be at most " + MAX_AMOUNT.toPlainString() + ", got " + amount.toPlainString());
        }
        if (status == null) {
            problems.add("status is required, one of " + Orders.STATUSES);
        } else if (!Orders.STATUSES.contains(status)) {
            problems.add("status must be one of " + Orders.STATUSES + ", got '" + status + "'");
        }
        if (!problems.isEmpty()) throw new BadRequestException(String.join("; ", problems));
    }
}
