//! Personal data and the right to erasure, by crypto-shredding.
//!
//! Contact persons' names, emails and phone numbers are the only personal data partnerhub
//! keeps about people outside the library. They enter the log sealed (XChaCha20-Poly1305)
//! with a key of their own, and the keys live outside the log, in the [`KeyStore`]. Erasing
//! a person destroys their key: the sealed bytes stay in the append-only log (the hash chain
//! and `verify` are untouched) but nobody can read them any more — not in the views, not in
//! an export or a backup made afterwards. An export made *before* an erasure still holds the
//! sealed data, but not the key (keys are never exported), so it too becomes unreadable once
//! the key is gone. An online backup ([`crate::backup`]) carries the keys of the persons not
//! erased when it was taken, so that it restores readable; a backup taken before an erasure
//! can bring the person back if restored, and must be kept and expired accordingly.
//!
//! The store of keys is a small sled database in the data directory (`keys/`), flushed on
//! every change. It must be backed up with the data directory; losing it makes personal data
//! unreadable (which is safe, not silent: views say so).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde_json::Value;
use uuid::Uuid;

use crate::domain::events::{PersonalData, PersonalField, SealedPersonalData};
use crate::store::StoreError;

/// What a view may show of someone's personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Revealed {
    /// The data.
    Known(PersonalData),
    /// Erased on request.
    Erased,
    /// The key is missing (a lost key store), or the data was tampered with.
    Unreadable,
}

/// The keys of personal data, one per person, kept outside the log.
pub struct KeyStore {
    keys: sled::Tree,
    database: sled::Db,
    /// Keys read so far, so views do not hit the disk for every person.
    cache: Mutex<HashMap<Uuid, Option<[u8; 32]>>>,
}

fn backend(error: sled::Error) -> StoreError {
    StoreError::Backend(format!("the key store failed: {error}"))
}

impl KeyStore {
    /// Opens (or creates) the key store in `directory`.
    ///
    /// # Errors
    /// When the directory cannot be opened (in use by another process, damaged).
    pub fn open(directory: &Path) -> Result<Self, StoreError> {
        let database = sled::Config::new()
            .path(directory)
            .open()
            .map_err(|error| {
                StoreError::Incompatible(format!(
                    "cannot open the key store in {}: {error}",
                    directory.display()
                ))
            })?;
        let keys = database.open_tree("person_keys").map_err(backend)?;
        Ok(KeyStore {
            keys,
            database,
            cache: Mutex::new(HashMap::new()),
        })
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Option<[u8; 32]>>> {
        match self.cache.lock() {
            Ok(cache) => cache,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn key(&self, person_id: Uuid) -> Result<Option<[u8; 32]>, StoreError> {
        if let Some(key) = self.cache().get(&person_id) {
            return Ok(*key);
        }
        let key = self
            .keys
            .get(person_id.as_bytes())
            .map_err(backend)?
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_ref()).ok());
        self.cache().insert(person_id, key);
        Ok(key)
    }

    /// Seals `data` with `person_id`'s key, creating the key (durably) if it is new.
    ///
    /// # Errors
    /// Key store failures; a person whose data was erased cannot be sealed for again under the
    /// same id (a new contact person gets a new id).
    pub fn seal(
        &self,
        person_id: Uuid,
        data: &PersonalData,
    ) -> Result<SealedPersonalData, StoreError> {
        let key = match self.key(person_id)? {
            Some(key) => key,
            None => {
                let mut key = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut key);
                self.keys
                    .insert(person_id.as_bytes(), &key[..])
                    .map_err(backend)?;
                self.database.flush().map_err(backend)?;
                self.cache().insert(person_id, Some(key));
                key
            }
        };
        let plaintext = serde_json::to_vec(data).map_err(|error| {
            StoreError::InvalidAppend(format!("personal data cannot be encoded: {error}"))
        })?;
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(&key.into());
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plaintext,
                    aad: person_id.as_bytes(),
                },
            )
            .map_err(|_| StoreError::InvalidAppend("personal data cannot be sealed".into()))?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Ok(SealedPersonalData {
            key: person_id,
            sealed: hex::encode(sealed),
        })
    }

    /// Opens sealed data, or says why it cannot be read.
    pub fn reveal(&self, field: &PersonalField, erased: bool) -> Revealed {
        let sealed = match field {
            PersonalField::Clear(data) if !erased => return Revealed::Known(data.clone()),
            PersonalField::Clear(_) => return Revealed::Erased,
            PersonalField::Sealed(sealed) => sealed,
        };
        let key = match self.key(sealed.key) {
            Ok(Some(key)) => key,
            Ok(None) if erased => return Revealed::Erased,
            _ if erased => return Revealed::Erased,
            _ => return Revealed::Unreadable,
        };
        let Ok(bytes) = hex::decode(&sealed.sealed) else {
            return Revealed::Unreadable;
        };
        if bytes.len() < 24 {
            return Revealed::Unreadable;
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new(&key.into());
        match cipher.decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: sealed.key.as_bytes(),
            },
        ) {
            Ok(plaintext) => serde_json::from_slice(&plaintext)
                .map(Revealed::Known)
                .unwrap_or(Revealed::Unreadable),
            Err(_) => Revealed::Unreadable,
        }
    }

    /// Destroys a person's key, durably. Idempotent.
    ///
    /// # Errors
    /// Key store failures.
    pub fn erase(&self, person_id: Uuid) -> Result<(), StoreError> {
        self.keys.remove(person_id.as_bytes()).map_err(backend)?;
        self.database.flush().map_err(backend)?;
        self.cache().insert(person_id, None);
        Ok(())
    }

    /// A person's key, for an online backup ([`crate::backup`]); `None` once erased.
    ///
    /// # Errors
    /// Key store failures.
    pub fn key_for_backup(&self, person_id: Uuid) -> Result<Option<[u8; 32]>, StoreError> {
        self.key(person_id)
    }

    /// Puts back a key from a backup, durably (restore into an empty data directory).
    ///
    /// # Errors
    /// Key store failures.
    pub fn restore_key(&self, person_id: Uuid, key: [u8; 32]) -> Result<(), StoreError> {
        self.keys
            .insert(person_id.as_bytes(), &key[..])
            .map_err(backend)?;
        self.database.flush().map_err(backend)?;
        self.cache().insert(person_id, Some(key));
        Ok(())
    }

    /// Whether a key exists for this person.
    ///
    /// # Errors
    /// Key store failures.
    pub fn has_key(&self, person_id: Uuid) -> Result<bool, StoreError> {
        Ok(self.key(person_id)?.is_some())
    }

    /// Replaces every sealed personal data in a JSON view (`{"personal": {"key", "sealed"},
    /// "erased": bool}` objects, as contact persons serialize) by what may be shown: the data,
    /// or `{"erased": true}`, or `{"unreadable": true}`.
    pub fn reveal_in_json(&self, value: &mut Value) {
        match value {
            Value::Object(fields) => {
                let erased = fields
                    .get("erased")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if let Some(personal) = fields.get_mut("personal") {
                    if let Ok(field) = serde_json::from_value::<PersonalField>(personal.clone()) {
                        *personal = match self.reveal(&field, erased) {
                            Revealed::Known(data) => {
                                serde_json::to_value(data).unwrap_or(Value::Null)
                            }
                            Revealed::Erased => serde_json::json!({"erased": true}),
                            Revealed::Unreadable => serde_json::json!({"unreadable": true}),
                        };
                    }
                }
                for child in fields.values_mut() {
                    self.reveal_in_json(child);
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.reveal_in_json(item);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lise() -> PersonalData {
        PersonalData {
            name: "Lise Mortensen".into(),
            email: Some("lise@example.org".into()),
            phone: None,
        }
    }

    #[test]
    fn sealed_data_reveals_until_the_key_is_destroyed() {
        let directory = tempfile::tempdir().unwrap();
        let keys = KeyStore::open(directory.path()).unwrap();
        let person = Uuid::new_v4();
        let sealed = keys.seal(person, &lise()).unwrap();
        assert!(
            !sealed.sealed.contains(&hex::encode("Lise")),
            "no clear text in the sealed form"
        );
        let field = PersonalField::Sealed(sealed);
        assert_eq!(keys.reveal(&field, false), Revealed::Known(lise()));
        keys.erase(person).unwrap();
        assert_eq!(keys.reveal(&field, true), Revealed::Erased);
        assert_eq!(
            keys.reveal(&field, false),
            Revealed::Unreadable,
            "a missing key is never silent"
        );
        drop(keys);
        let reopened = KeyStore::open(directory.path()).unwrap();
        assert!(!reopened.has_key(person).unwrap(), "erasure is durable");
    }

    #[test]
    fn tampered_sealed_data_is_unreadable_not_wrong() {
        let directory = tempfile::tempdir().unwrap();
        let keys = KeyStore::open(directory.path()).unwrap();
        let person = Uuid::new_v4();
        let mut sealed = keys.seal(person, &lise()).unwrap();
        let last = sealed.sealed.pop().unwrap();
        sealed.sealed.push(if last == '0' { '1' } else { '0' });
        assert_eq!(
            keys.reveal(&PersonalField::Sealed(sealed.clone()), false),
            Revealed::Unreadable
        );
        // Sealed for one person, it cannot be passed off as another's.
        let other = SealedPersonalData {
            key: Uuid::new_v4(),
            ..keys.seal(person, &lise()).unwrap()
        };
        assert_eq!(
            keys.reveal(&PersonalField::Sealed(other), false),
            Revealed::Unreadable
        );
    }
}
