package io.github.statesync.benchmarks.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state every propagation target carries: about 200 bytes of JSON, whose
 * {@code sequence} is the index of the write that produced it, so a reader knows which
 * write it holds whatever revisions the transport uses. A plain mutable class, as a
 * {@code @SyncedTopic} bean must be.
 *
 * @author statesync
 */
public class BenchState {

	private String theme = "light";

	private String locale = "en-GB";

	private int maxUploadMb = 10;

	private long sequence = -1;

	private Map<String, Boolean> features = new LinkedHashMap<>();

	private List<String> regions = List.of();

	private String banner = "";

	/**
	 * Return the state written by write {@code sequence}.
	 * @param sequence the write's index
	 * @return the state
	 */
	public static BenchState forSequence(long sequence) {
		BenchState state = new BenchState();
		state.setTheme("dark");
		state.setMaxUploadMb(25);
		state.setSequence(sequence);
		state.setFeatures(Map.of("beta", true, "newCheckout", (sequence & 1) == 0, "search", true));
		state.setRegions(List.of("eu-west-1", "us-east-1", "ap-south-1"));
		state.setBanner("Scheduled maintenance on Sunday 02:00 UTC");
		return state;
	}

	public String getTheme() {
		return this.theme;
	}

	public void setTheme(String theme) {
		this.theme = theme;
	}

	public String getLocale() {
		return this.locale;
	}

	public void setLocale(String locale) {
		this.locale = locale;
	}

	public int getMaxUploadMb() {
		return this.maxUploadMb;
	}

	public void setMaxUploadMb(int maxUploadMb) {
		this.maxUploadMb = maxUploadMb;
	}

	public long getSequence() {
		return this.sequence;
	}

	public void setSequence(long sequence) {
		this.sequence = sequence;
	}

	public Map<String, Boolean> getFeatures() {
		return this.features;
	}

	public void setFeatures(Map<String, Boolean> features) {
		this.features = features;
	}

	public List<String> getRegions() {
		return this.regions;
	}

	public void setRegions(List<String> regions) {
		this.regions = regions;
	}

	public String getBanner() {
		return this.banner;
	}

	public void setBanner(String banner) {
		this.banner = banner;
	}

}
