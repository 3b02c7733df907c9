package io.parley.persistence.postgres;

/**
 * Turns message text into what is stored and back. The seam where encryption at rest plugs in: the SQL
 * code only ever sees sealed text.
 */
interface BodyCodec {

    String seal(String text);

    String open(String stored);

    BodyCodec IDENTITY = new BodyCodec() {
        @Override
        public String seal(String text) {
            return text;
        }

        @Override
        public String open(String stored) {
            return stored;
        }
    };
}
