package com.example.demo;

import io.github.statesync.boot.StateSyncAppliedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

@Component
class SettingsLog {

	private static final Logger logger = LoggerFactory.getLogger(SettingsLog.class);

	@EventListener // runs on the publishing thread for this node's writes, a sync thread
					// for others'
	void applied(StateSyncAppliedEvent<Settings> event) {
		logger.info("Settings at revision {}: {}", event.getRevision(), event.getValue());
	}

}
