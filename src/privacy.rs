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
//! (or a copy of the whole data directory or database schema) can bring the person back if
//! restored, and must be kept and expired accordingly (see SECURITY.md).
//!
//! The same [`KeyStore`] keeps the keys of workshop boards, one per board, with which
//! [`crate::sealing`] names who did what in an anonymous phase; a board's key is destroyed when
//! the board closes, as a person's is at their erasure. Keys are kept per *subject* (a person's
//! or a board's id; both are random UUIDs).
//!
//! The store of keys has two backends behind one [`KeyStore`]:
//!
//! - **sled** ([`KeyStore::open`]), the default: a small sled database in the data directory
//!   (`keys/`), flushed on every change, with the keys read so far cached in memory. It must
//!   be backed up with the data directory; losing it makes personal data unreadable (which is
//!   safe, not silent: views say so).
//! - **PostgreSQL** ([`KeyStore::on_postgres`]): the table `sealing_keys` in the schema of the
//!   [`PostgresEventStore`], created by its migrations, so that every server node on that
//!   schema seals and reveals with the same keys. Nothing is cached: every view that shows
//!   personal data reads the keys it needs in one query, so an erasure committed through one
//!   node is in force on every node from its next request. A new key is committed before the
//!   event that uses it is appended, so every node that reads the event finds the key.
//!
//! Either way, a view that knows a person was erased shows "erased" without looking for a
//! key, and an erasure whose key deletion a crash interrupted is finished at the next start
//! ([`crate::service::Workspaces::finish_erasures`]).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde_json::Value;
use uuid::Uuid;

use crate::domain::events::{PersonalData, PersonalField, SealedPersonalData};
use crate::store::{PostgresEventStore, StoreError};
use crate::sync::locked;

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

/// Personal data as a JSON view shows it in place of the sealed field
/// ([`KeyStore::reveal_in_json`]): the data, or `{"erased": true}`, or `{"unreadable": true}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ShownPersonalData {
    /// The data.
    Known(PersonalData),
    /// Erased on request.
    Erased {
        /// Always true.
        erased: bool,
    },
    /// The key is missing (a lost key store), or the data was tampered with.
    Unreadable {
        /// Always true.
        unreadable: bool,
    },
}

impl From<Revealed> for ShownPersonalData {
    fn from(revealed: Revealed) -> Self {
        match revealed {
            Revealed::Known(data) => ShownPersonalData::Known(data),
            Revealed::Erased => ShownPersonalData::Erased { erased: true },
            Revealed::Unreadable => ShownPersonalData::Unreadable { unreadable: true },
        }
    }
}

/// A person's key.
type PersonKey = [u8; 32];

/// The most subjects [`KeyStore::subjects_with_keys`] asks PostgreSQL about in one query.
const SUBJECTS_PER_LOOKUP: usize = 10_000;

/// The keys of personal data, one per person, kept outside the log.
pub struct KeyStore {
    backend: Backend,
}

/// Where the keys are.
enum Backend {
    /// A sled database of this process.
    Sled {
        keys: sled::Tree,
        database: sled::Db,
        /// Keys read so far (`None`: known to be missing), so views do not hit the disk for
        /// every person. Only this process changes the keys, so the cache cannot go stale.
        cache: Mutex<HashMap<Uuid, Option<PersonKey>>>,
    },
    /// The `sealing_keys` table shared by every node on one PostgreSQL schema; not cached, so
    /// an erasure through another node is seen at once.
    Postgres { pool: deadpool_postgres::Pool },
}

fn sled_error(error: sled::Error) -> StoreError {
    StoreError::Backend(format!("the key store failed: {error}"))
}

fn postgres_error(error: tokio_postgres::Error) -> StoreError {
    StoreError::Backend(format!(
        "the key store failed: {}",
        crate::store::postgres::describe(&error)
    ))
}

fn pool_error(error: deadpool_postgres::PoolError) -> StoreError {
    StoreError::Backend(format!("the key store has no database connection: {error}"))
}

fn key_from_bytes(person_id: Uuid, bytes: &[u8]) -> Result<PersonKey, StoreError> {
    PersonKey::try_from(bytes).map_err(|_| {
        StoreError::Backend(format!(
            "the key store holds a key of {} bytes for {person_id}, not 32",
            bytes.len()
        ))
    })
}

fn new_key() -> PersonKey {
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    key
}

impl KeyStore {
    /// Opens (or creates) the sled key store in `directory`.
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
        // The tree's name is from before it held boards' keys too; data directories keep it.
        let keys = database.open_tree("person_keys").map_err(sled_error)?;
        Ok(KeyStore {
            backend: Backend::Sled {
                keys,
                database,
                cache: Mutex::new(HashMap::new()),
            },
        })
    }

    /// A tree of its own in the key store's sled database, for other small server state
    /// that must survive a restart beside the log (login sessions); `None` on PostgreSQL,
    /// which has tables for that.
    ///
    /// # Errors
    /// When the tree cannot be opened.
    pub fn embedded_tree(&self, name: &str) -> Result<Option<sled::Tree>, StoreError> {
        match &self.backend {
            Backend::Sled { database, .. } => {
                Ok(Some(database.open_tree(name).map_err(sled_error)?))
            }
            Backend::Postgres { .. } => Ok(None),
        }
    }

    /// The key store in the `sealing_keys` table of `store`'s schema (created by its
    /// migrations), shared by every node on that schema. Uses `store`'s connections.
    pub fn on_postgres(store: &PostgresEventStore) -> Self {
        KeyStore {
            backend: Backend::Postgres {
                pool: store.pool().clone(),
            },
        }
    }

    /// The keys of the persons among `person_ids` that have one.
    ///
    /// # Errors
    /// Key store failures.
    async fn keys_of(&self, person_ids: &[Uuid]) -> Result<HashMap<Uuid, PersonKey>, StoreError> {
        let mut found = HashMap::new();
        if person_ids.is_empty() {
            return Ok(found);
        }
        match &self.backend {
            Backend::Sled { keys, cache, .. } => {
                for person_id in person_ids {
                    let cached = locked(cache).get(person_id).copied();
                    let key = match cached {
                        Some(key) => key,
                        None => {
                            let key = match keys.get(person_id.as_bytes()).map_err(sled_error)? {
                                Some(bytes) => Some(key_from_bytes(*person_id, &bytes)?),
                                None => None,
                            };
                            locked(cache).insert(*person_id, key);
                            key
                        }
                    };
                    if let Some(key) = key {
                        found.insert(*person_id, key);
                    }
                }
            }
            Backend::Postgres { pool } => {
                let client = pool.get().await.map_err(pool_error)?;
                let statement = client
                    .prepare_cached(
                        "SELECT subject_id, key FROM sealing_keys WHERE subject_id = ANY($1)",
                    )
                    .await
                    .map_err(postgres_error)?;
                for row in client
                    .query(&statement, &[&person_ids])
                    .await
                    .map_err(postgres_error)?
                {
                    let person_id: Uuid = row.get(0);
                    let bytes: &[u8] = row.get(1);
                    found.insert(person_id, key_from_bytes(person_id, bytes)?);
                }
            }
        }
        Ok(found)
    }

    /// The person's key, created (durably) when there is none.
    async fn key_or_create(&self, person_id: Uuid) -> Result<PersonKey, StoreError> {
        match &self.backend {
            Backend::Sled {
                keys,
                database,
                cache,
            } => {
                if let Some(key) = self.keys_of(&[person_id]).await?.remove(&person_id) {
                    return Ok(key);
                }
                let key = new_key();
                let (keys, database) = (keys.clone(), database.clone());
                tokio::task::spawn_blocking(move || {
                    keys.insert(person_id.as_bytes(), &key[..])?;
                    database.flush()
                })
                .await
                .map_err(|error| StoreError::Backend(error.to_string()))?
                .map_err(sled_error)?;
                locked(cache).insert(person_id, Some(key));
                Ok(key)
            }
            Backend::Postgres { pool } => {
                let client = pool.get().await.map_err(pool_error)?;
                // Another node sealing for the same person at the same moment keeps its key;
                // both then use the one that was stored first.
                let statement = client
                    .prepare_cached(
                        "WITH created AS (
                             INSERT INTO sealing_keys (subject_id, key) VALUES ($1, $2)
                             ON CONFLICT (subject_id) DO NOTHING RETURNING key)
                         SELECT key FROM created
                         UNION ALL SELECT key FROM sealing_keys WHERE subject_id = $1
                         LIMIT 1",
                    )
                    .await
                    .map_err(postgres_error)?;
                let row = client
                    .query_one(&statement, &[&person_id, &&new_key()[..]])
                    .await
                    .map_err(postgres_error)?;
                let bytes: &[u8] = row.get(0);
                key_from_bytes(person_id, bytes)
            }
        }
    }

    /// Seals `data` with `person_id`'s key, creating the key (durably) if it is new.
    ///
    /// # Errors
    /// Key store failures; a person whose data was erased cannot be sealed for again under the
    /// same id (a new contact person gets a new id).
    pub async fn seal(
        &self,
        person_id: Uuid,
        data: &PersonalData,
    ) -> Result<SealedPersonalData, StoreError> {
        let key = self.key_or_create(person_id).await?;
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

    /// Opens sealed data, or says why it cannot be read. `erased` says whether the view
    /// knows the person was erased: then nothing is shown, key or not.
    pub async fn reveal(&self, field: &PersonalField, erased: bool) -> Revealed {
        let keys = match field {
            PersonalField::Sealed(sealed) if !erased => self.keys_or_none(&[sealed.key]).await,
            _ => HashMap::new(),
        };
        reveal_with(&keys, field, erased)
    }

    /// The keys of `person_ids`; none when the key store fails (the data then shows as
    /// unreadable, and the failure is logged).
    async fn keys_or_none(&self, person_ids: &[Uuid]) -> HashMap<Uuid, PersonKey> {
        match self.keys_of(person_ids).await {
            Ok(keys) => keys,
            Err(error) => {
                tracing::error!(%error, "cannot read personal-data keys; showing the data as unreadable");
                HashMap::new()
            }
        }
    }

    /// Destroys a person's key, durably (on PostgreSQL, for every node). Idempotent.
    ///
    /// # Errors
    /// Key store failures.
    pub async fn erase(&self, person_id: Uuid) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sled {
                keys,
                database,
                cache,
            } => {
                let (keys, database) = (keys.clone(), database.clone());
                tokio::task::spawn_blocking(move || {
                    keys.remove(person_id.as_bytes())?;
                    database.flush()
                })
                .await
                .map_err(|error| StoreError::Backend(error.to_string()))?
                .map_err(sled_error)?;
                locked(cache).insert(person_id, None);
            }
            Backend::Postgres { pool } => {
                let client = pool.get().await.map_err(pool_error)?;
                client
                    .execute(
                        "DELETE FROM sealing_keys WHERE subject_id = $1",
                        &[&person_id],
                    )
                    .await
                    .map_err(postgres_error)?;
            }
        }
        Ok(())
    }

    /// The key of a workshop board, created (durably) when it has none ([`crate::sealing`]).
    ///
    /// # Errors
    /// Key store failures.
    pub async fn board_key_or_create(&self, board_id: Uuid) -> Result<[u8; 32], StoreError> {
        self.key_or_create(board_id).await
    }

    /// The keys of the boards among `board_ids` that have one (none of a closed board).
    ///
    /// # Errors
    /// Key store failures.
    pub async fn board_keys(
        &self,
        board_ids: &[Uuid],
    ) -> Result<HashMap<Uuid, [u8; 32]>, StoreError> {
        self.keys_of(board_ids).await
    }

    /// Destroys a board's key, durably (on PostgreSQL, for every node), when the board
    /// closes. Idempotent.
    ///
    /// # Errors
    /// Key store failures.
    pub async fn destroy_board_key(&self, board_id: Uuid) -> Result<(), StoreError> {
        self.erase(board_id).await
    }

    /// The keys of the subjects among `person_ids` (persons, or boards) that have one, for an online backup
    /// ([`crate::backup`]); an erased person has none.
    ///
    /// # Errors
    /// Key store failures.
    pub async fn keys_for_backup(
        &self,
        person_ids: &[Uuid],
    ) -> Result<HashMap<Uuid, [u8; 32]>, StoreError> {
        self.keys_of(person_ids).await
    }

    /// Whether a key exists for this person.
    ///
    /// # Errors
    /// Key store failures.
    pub async fn has_key(&self, person_id: Uuid) -> Result<bool, StoreError> {
        Ok(self.keys_of(&[person_id]).await?.contains_key(&person_id))
    }

    /// The subjects (persons, or boards) among `subject_ids` that have a key, looked up
    /// together: on PostgreSQL one query per [`SUBJECTS_PER_LOOKUP`] rather than one per
    /// subject (a start checks every erased person and closed board of the log, thousands of
    /// them at a million events: 0.5 s of round trips before `/readyz`).
    ///
    /// # Errors
    /// Key store failures.
    pub async fn subjects_with_keys(
        &self,
        subject_ids: &[Uuid],
    ) -> Result<HashSet<Uuid>, StoreError> {
        let mut found = HashSet::new();
        for chunk in subject_ids.chunks(SUBJECTS_PER_LOOKUP) {
            found.extend(self.keys_of(chunk).await?.into_keys());
        }
        Ok(found)
    }

    /// How many keys the store holds.
    ///
    /// # Errors
    /// Key store failures.
    pub async fn count(&self) -> Result<u64, StoreError> {
        match &self.backend {
            Backend::Sled { keys, .. } => Ok(keys.len() as u64),
            Backend::Postgres { pool } => {
                let client = pool.get().await.map_err(pool_error)?;
                let row = client
                    .query_one("SELECT count(*) FROM sealing_keys", &[])
                    .await
                    .map_err(postgres_error)?;
                let count: i64 = row.get(0);
                Ok(u64::try_from(count).unwrap_or(0))
            }
        }
    }

    /// Copies every key of this store into `destination`, which must hold none (a store
    /// migration: without the keys, sealed personal data would be unreadable there).
    ///
    /// # Returns
    /// How many keys were copied.
    ///
    /// # Errors
    /// [`StoreError::Incompatible`] when `destination` already holds keys (nothing is
    /// copied), and key store failures of either side.
    pub async fn copy_into(&self, destination: &KeyStore) -> Result<u64, StoreError> {
        destination.fill_empty(self.all_keys()?).await
    }

    /// Puts `keys` into this key store, which must hold none, durably and all at once (a
    /// store migration, or a restore from a backup).
    ///
    /// # Returns
    /// How many keys were put.
    ///
    /// # Errors
    /// [`StoreError::Incompatible`] when this store already holds keys (nothing is written),
    /// and key store failures.
    pub async fn fill_empty(&self, keys: Vec<(Uuid, PersonKey)>) -> Result<u64, StoreError> {
        let existing = self.count().await?;
        if existing > 0 {
            return Err(StoreError::Incompatible(format!(
                "the destination already holds {existing} personal-data keys; \
                 keys are copied only into an empty key store"
            )));
        }
        let copied = keys.len() as u64;
        match &self.backend {
            Backend::Sled {
                keys: tree,
                database,
                cache,
            } => {
                let (tree, database) = (tree.clone(), database.clone());
                tokio::task::spawn_blocking(move || {
                    for (person_id, key) in &keys {
                        tree.insert(person_id.as_bytes(), &key[..])?;
                    }
                    database.flush()
                })
                .await
                .map_err(|error| StoreError::Backend(error.to_string()))?
                .map_err(sled_error)?;
                locked(cache).clear();
            }
            Backend::Postgres { pool } => {
                let mut client = pool.get().await.map_err(pool_error)?;
                let transaction = client.transaction().await.map_err(postgres_error)?;
                let ids: Vec<Uuid> = keys.iter().map(|(id, _)| *id).collect();
                let bytes: Vec<Vec<u8>> = keys.iter().map(|(_, key)| key.to_vec()).collect();
                transaction
                    .execute(
                        "INSERT INTO sealing_keys (subject_id, key)
                         SELECT * FROM UNNEST($1::uuid[], $2::bytea[])",
                        &[&ids, &bytes],
                    )
                    .await
                    .map_err(postgres_error)?;
                transaction.commit().await.map_err(postgres_error)?;
            }
        }
        Ok(copied)
    }

    /// Every key of a sled key store (copying from PostgreSQL is not needed: migrations go
    /// from the embedded store to PostgreSQL).
    fn all_keys(&self) -> Result<Vec<(Uuid, PersonKey)>, StoreError> {
        match &self.backend {
            Backend::Sled { keys, .. } => keys
                .iter()
                .map(|entry| {
                    let (id, key) = entry.map_err(sled_error)?;
                    let person_id = Uuid::from_slice(&id).map_err(|_| {
                        StoreError::Backend("the key store holds a key of no person".into())
                    })?;
                    Ok((person_id, key_from_bytes(person_id, &key)?))
                })
                .collect(),
            Backend::Postgres { .. } => Err(StoreError::Incompatible(
                "keys are copied from the embedded key store only".into(),
            )),
        }
    }

    /// Replaces every sealed personal data in a JSON view (`{"personal": {"key", "sealed"},
    /// "erased": bool}` objects, as contact persons serialize) by what may be shown: the data,
    /// or `{"erased": true}`, or `{"unreadable": true}`. The keys it needs are read at once.
    pub async fn reveal_in_json(&self, value: &mut Value) {
        let mut wanted = HashSet::new();
        for_each_personal(value, &mut |field, erased| {
            if let PersonalField::Sealed(sealed) = field {
                if !erased {
                    wanted.insert(sealed.key);
                }
            }
        });
        let wanted: Vec<Uuid> = wanted.into_iter().collect();
        let keys = self.keys_or_none(&wanted).await;
        visit_personal(value, &mut |field, erased| {
            let shown = ShownPersonalData::from(reveal_with(&keys, field, erased));
            Some(serde_json::to_value(shown).unwrap_or(Value::Null))
        });
    }
}

/// Calls `visit` with every personal-data field in `value` (a payload or a view) and whether
/// the person it belongs to is marked erased; reads only (see [`visit_personal`] to replace).
pub(crate) fn for_each_personal(value: &Value, visit: &mut dyn FnMut(&PersonalField, bool)) {
    match value {
        Value::Object(fields) => {
            let erased = fields
                .get("erased")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if let Some(personal) = fields.get("personal") {
                if let Ok(field) = serde::Deserialize::deserialize(personal) {
                    visit(&field, erased);
                }
            }
            for child in fields.values() {
                for_each_personal(child, visit);
            }
        }
        Value::Array(items) => {
            for item in items {
                for_each_personal(item, visit);
            }
        }
        _ => {}
    }
}

/// Calls `visit` on every personal data field of a JSON view with whether its person is
/// erased, and replaces the field by what `visit` returns, if anything.
fn visit_personal(value: &mut Value, visit: &mut dyn FnMut(&PersonalField, bool) -> Option<Value>) {
    match value {
        Value::Object(fields) => {
            let erased = fields
                .get("erased")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if let Some(personal) = fields.get_mut("personal") {
                if let Ok(field) = serde_json::from_value::<PersonalField>(personal.clone()) {
                    if let Some(replacement) = visit(&field, erased) {
                        *personal = replacement;
                    }
                }
            }
            for child in fields.values_mut() {
                visit_personal(child, visit);
            }
        }
        Value::Array(items) => {
            for item in items {
                visit_personal(item, visit);
            }
        }
        _ => {}
    }
}

/// What may be shown of `field`, given the keys at hand.
fn reveal_with(keys: &HashMap<Uuid, PersonKey>, field: &PersonalField, erased: bool) -> Revealed {
    if erased {
        return Revealed::Erased;
    }
    let sealed = match field {
        PersonalField::Clear(data) => return Revealed::Known(data.clone()),
        PersonalField::Sealed(sealed) => sealed,
    };
    let Some(key) = keys.get(&sealed.key) else {
        return Revealed::Unreadable;
    };
    let Ok(bytes) = hex::decode(&sealed.sealed) else {
        return Revealed::Unreadable;
    };
    if bytes.len() < 24 {
        return Revealed::Unreadable;
    }
    let (nonce, ciphertext) = bytes.split_at(24);
    let cipher = XChaCha20Poly1305::new(key.into());
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

    #[tokio::test]
    async fn sealed_data_reveals_until_the_key_is_destroyed() {
        let directory = tempfile::tempdir().unwrap();
        let keys = KeyStore::open(directory.path()).unwrap();
        let person = Uuid::new_v4();
        let sealed = keys.seal(person, &lise()).await.unwrap();
        assert!(
            !sealed.sealed.contains(&hex::encode("Lise")),
            "no clear text in the sealed form"
        );
        let field = PersonalField::Sealed(sealed);
        assert_eq!(keys.reveal(&field, false).await, Revealed::Known(lise()));
        keys.erase(person).await.unwrap();
        assert_eq!(keys.reveal(&field, true).await, Revealed::Erased);
        assert_eq!(
            keys.reveal(&field, false).await,
            Revealed::Unreadable,
            "a missing key is never silent"
        );
        drop(keys);
        let reopened = KeyStore::open(directory.path()).unwrap();
        assert!(
            !reopened.has_key(person).await.unwrap(),
            "erasure is durable"
        );
    }

    #[tokio::test]
    async fn tampered_sealed_data_is_unreadable_not_wrong() {
        let directory = tempfile::tempdir().unwrap();
        let keys = KeyStore::open(directory.path()).unwrap();
        let person = Uuid::new_v4();
        let mut sealed = keys.seal(person, &lise()).await.unwrap();
        let last = sealed.sealed.pop().unwrap();
        sealed.sealed.push(if last == '0' { '1' } else { '0' });
        assert_eq!(
            keys.reveal(&PersonalField::Sealed(sealed.clone()), false)
                .await,
            Revealed::Unreadable
        );
        // Sealed for one person, it cannot be passed off as another's.
        let other = SealedPersonalData {
            key: Uuid::new_v4(),
            ..keys.seal(person, &lise()).await.unwrap()
        };
        assert_eq!(
            keys.reveal(&PersonalField::Sealed(other), false).await,
            Revealed::Unreadable
        );
    }
}
