package io.github.statesync.core.protocol;

import java.math.BigInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RevisionTests {

	private static final BigInteger U64_MAX = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);

	@Test
	void parsesCanonicalRevisions() {
		assertThat(Revision.parse("0")).isEqualTo(Revision.ZERO);
		assertThat(Revision.parse("42").longValue()).isEqualTo(42);
		assertThat(Revision.parse("18446744073709551615")).isEqualTo(Revision.MAX);
		assertThat(Revision.parse("9223372036854775808").toString()).isEqualTo("9223372036854775808");
	}

	@Test
	void rejectsMissingRevisionWithReason() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> Revision.parse(null))
			.withMessage("revision is missing");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> Revision.parse(""))
			.withMessage("revision is empty");
	}

	@ParameterizedTest
	@ValueSource(strings = { " 1", "1 ", "-1", "+1", "1.0", "abc", "1e3", "0x10", "١" })
	void rejectsNonDigitsWithReason(String text) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> Revision.parse(text))
			.withMessageContaining("only the decimal digits 0-9 are allowed");
	}

	@ParameterizedTest
	@ValueSource(strings = { "01", "00", "007" })
	void rejectsLeadingZerosWithReason(String text) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> Revision.parse(text))
			.withMessageContaining("leading zeros are not allowed");
	}

	@ParameterizedTest
	@ValueSource(strings = { "18446744073709551616", "99999999999999999999", "100000000000000000000" })
	void rejectsValuesAboveU64MaxWithReason(String text) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> Revision.parse(text))
			.withMessageContaining("exceeds the unsigned 64-bit maximum");
	}

	@Test
	void nextSaturatesAtMax() {
		assertThat(Revision.ZERO.next()).isEqualTo(Revision.of(1));
		assertThat(Revision.of(Long.MAX_VALUE).next().toString()).isEqualTo("9223372036854775808");
		assertThat(Revision.MAX.next()).isSameAs(Revision.MAX);
	}

	@Test
	void comparesAsUnsigned() {
		Revision high = Revision.parse("18446744073709551000");
		assertThat(high.isNewerThan(Revision.of(Long.MAX_VALUE))).isTrue();
		assertThat(Revision.of(1).isNewerThan(high)).isFalse();
		assertThat(Revision.of(2).compareTo(Revision.of(2))).isZero();
	}

	@Property
	void roundTripsEveryU64(@ForAll long bits) {
		Revision revision = Revision.of(bits);
		String text = revision.toString();
		assertThat(Revision.isCanonical(text)).isTrue();
		assertThat(Revision.parse(text)).isEqualTo(revision);
		assertThat(new BigInteger(text)).isEqualTo(new BigInteger(Long.toUnsignedString(bits)));
	}

	@Property
	void ordersLikeTheNumbersTheyStandFor(@ForAll long a, @ForAll long b) {
		int expected = new BigInteger(Long.toUnsignedString(a)).compareTo(new BigInteger(Long.toUnsignedString(b)));
		assertThat(Integer.signum(Revision.of(a).compareTo(Revision.of(b)))).isEqualTo(expected);
	}

	@Property
	void acceptsExactlyTheCanonicalStrings(@ForAll("revisionLikeStrings") String text) {
		boolean canonical = text.matches("^(0|[1-9][0-9]*)$") && new BigInteger(text).compareTo(U64_MAX) <= 0;
		assertThat(Revision.isCanonical(text)).isEqualTo(canonical);
		if (canonical) {
			assertThat(Revision.parse(text).toString()).isEqualTo(text);
		}
		else {
			assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> Revision.parse(text));
		}
	}

	@Provide
	Arbitrary<String> revisionLikeStrings() {
		Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(22);
		Arbitrary<String> noisy = Arbitraries.strings().withChars("0123456789 -+.eEx").ofMinLength(0).ofMaxLength(22);
		Arbitrary<String> nearMax = Arbitraries.bigIntegers()
			.between(U64_MAX.subtract(BigInteger.valueOf(1000)), U64_MAX.add(BigInteger.valueOf(1000)))
			.map(BigInteger::toString);
		return Arbitraries.oneOf(digits, noisy, nearMax, Arbitraries.strings().ofMaxLength(8));
	}

}
