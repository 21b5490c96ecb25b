//! Fuzz target `stored_event`: arbitrary bytes as stored events, the way `verify`, `import`
//! and every store read them: each line is decoded with [`RecordedEvent::from_bytes`] and the
//! decoded events go through one [`ChainVerifier`] in order.
//!
//! Nothing may panic: a damaged or hostile log must be refused with an error naming the
//! position, never crash the process reading it. An event that decodes must also re-encode to
//! canonical bytes that decode to the same event, or the hash chain could not be checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnerhub::domain::DomainEvent;
use partnerhub::store::{envelope, ChainVerifier, RecordedEvent};

fuzz_target!(|data: &[u8]| {
    let mut verifier = ChainVerifier::new();
    for line in data.split(|byte| *byte == b'\n').take(64) {
        let Ok(event) = RecordedEvent::from_bytes(line) else {
            continue;
        };
        let bytes = event
            .to_canonical_bytes()
            .expect("a decoded event can be encoded");
        let again = RecordedEvent::from_bytes(&bytes).expect("canonical bytes decode");
        assert_eq!(again, event, "canonical bytes decode to a different event");
        // What the projector does with an event it reads.
        let _ = envelope::from_parts::<DomainEvent>(&event.event_type, &event.payload);
        if let Err(broken) = verifier.check(&event) {
            let _ = broken.to_string();
        }
    }
});
