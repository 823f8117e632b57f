package io.github.statesync.core.protocol;

import org.jspecify.annotations.Nullable;

/**
 * A revision: a monotonic unsigned 64-bit counter written on the wire as a canonical
 * decimal string ({@code ^(0|[1-9][0-9]*)$}, at most {@code 18446744073709551615}).
 * {@link #ZERO} means "nothing applied yet". Revisions compare as unsigned numbers.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class Revision implements Comparable<Revision> {

	/** The revision before any snapshot: {@code "0"}. */
	public static final Revision ZERO = new Revision(0);

	/** The largest revision, {@code 18446744073709551615} (u64 max). */
	public static final Revision MAX = new Revision(-1L);

	private static final String MAX_TEXT = "18446744073709551615";

	private final long value;

	private Revision(long value) {
		this.value = value;
	}

	/**
	 * Return the revision whose unsigned 64-bit value has the given bits. Values from
	 * {@code 0} to {@link Long#MAX_VALUE} mean themselves; negative values stand for the
	 * upper half of the unsigned range ({@code -1} is {@link #MAX}).
	 * @param unsignedValue the revision's bits, read as an unsigned 64-bit number
	 * @return the revision
	 */
	public static Revision of(long unsignedValue) {
		return (unsignedValue != 0) ? new Revision(unsignedValue) : ZERO;
	}

	/**
	 * Parse a canonical revision string.
	 * @param text the wire form, for example {@code "42"}
	 * @return the revision
	 * @throws ProtocolException if the text is missing, empty, has a sign, a leading
	 * zero, white space or any character other than a decimal digit, or exceeds u64 max
	 */
	public static Revision parse(@Nullable String text) {
		return of(parseUnsigned(text));
	}

	/**
	 * Return whether the text is a canonical revision string.
	 * @param text the text to check
	 * @return {@code true} if {@link #parse(String)} would accept it
	 */
	public static boolean isCanonical(@Nullable String text) {
		return problem(text) == null;
	}

	/**
	 * Parse a canonical revision string to its unsigned 64-bit value without allocating a
	 * {@code Revision}, for hot paths.
	 * @param text the wire form
	 * @return the unsigned value's bits
	 * @throws ProtocolException if the text is not canonical
	 */
	public static long parseUnsigned(@Nullable String text) {
		String problem = problem(text);
		if (problem != null) {
			throw new ProtocolException(problem);
		}
		long result = 0;
		for (int i = 0; i < text.length(); i++) {
			// wraps above Long.MAX_VALUE, which is exactly the unsigned encoding
			result = result * 10 + (text.charAt(i) - '0');
		}
		return result;
	}

	private static @Nullable String problem(@Nullable String text) {
		if (text == null) {
			return "revision is missing";
		}
		int length = text.length();
		if (length == 0) {
			return "revision is empty";
		}
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return "revision \"" + abbreviate(text)
						+ "\" is not canonical: only the decimal digits 0-9 are allowed (no sign, point or white space)";
			}
		}
		if (length > 1 && text.charAt(0) == '0') {
			return "revision \"" + abbreviate(text) + "\" is not canonical: leading zeros are not allowed";
		}
		if (length > MAX_TEXT.length() || (length == MAX_TEXT.length() && text.compareTo(MAX_TEXT) > 0)) {
			return "revision \"" + abbreviate(text) + "\" exceeds the unsigned 64-bit maximum " + MAX_TEXT;
		}
		return null;
	}

	private static String abbreviate(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "...";
	}

	/**
	 * Return this revision's unsigned 64-bit value as raw bits (see {@link #of(long)}).
	 * @return the bits
	 */
	public long longValue() {
		return this.value;
	}

	/**
	 * Return the next revision, saturating at {@link #MAX}.
	 * @return this revision plus one, or {@link #MAX} if this is {@link #MAX}
	 */
	public Revision next() {
		return (this.value == -1L) ? this : new Revision(this.value + 1);
	}

	/**
	 * Return whether this revision is strictly newer than another.
	 * @param other the revision to compare with
	 * @return {@code true} if this revision is greater, as unsigned numbers
	 */
	public boolean isNewerThan(Revision other) {
		return Long.compareUnsigned(this.value, other.value) > 0;
	}

	@Override
	public int compareTo(Revision other) {
		return Long.compareUnsigned(this.value, other.value);
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		return (obj instanceof Revision other) && other.value == this.value;
	}

	@Override
	public int hashCode() {
		return Long.hashCode(this.value);
	}

	/**
	 * Return the canonical wire form.
	 * @return the decimal string, for example {@code "42"}
	 */
	@Override
	public String toString() {
		return Long.toUnsignedString(this.value);
	}

}
