//! The ids of the entities an event is about, read from its fields as serde sees them.
//!
//! [`DomainEvent::entity_ids`](super::DomainEvent::entity_ids) lists every top-level payload
//! field whose name ends in `_id` and the lists `partner_ids` and `note_ids`, in field-name
//! order. Reading that through a `serde_json::Value` built every string of the event on
//! every event of a rebuild; the serializers here visit only the fields' names and the ids
//! themselves, with the same result, so a new event variant is covered without a change here.

use std::fmt;

use serde::ser::{self, Impossible, Serialize, SerializeSeq, SerializeStruct, Serializer};
use uuid::Uuid;

/// The ids in the top-level payload fields of `event` (an adjacently tagged enum serialised
/// as `{"event_type": .., "payload": {..}}`), ordered by field name. Empty for any other
/// shape.
pub(super) fn payload_ids<T: Serialize + ?Sized>(event: &T) -> Vec<Uuid> {
    let mut fields = Vec::new();
    if event
        .serialize(EventSerializer {
            fields: &mut fields,
        })
        .is_err()
    {
        return Vec::new();
    }
    fields.sort_by_key(|(name, _)| *name);
    fields.into_iter().flat_map(|(_, ids)| ids).collect()
}

/// Ids found in one field, with the field's name.
type FieldIds = (&'static str, Vec<Uuid>);

/// Any shape other than the one looked for.
#[derive(Debug)]
struct OtherShape;

impl fmt::Display for OtherShape {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("not an event payload field holding ids")
    }
}

impl std::error::Error for OtherShape {}

impl ser::Error for OtherShape {
    fn custom<M: fmt::Display>(_message: M) -> Self {
        OtherShape
    }
}

/// Implements every `Serializer` method for scalars with `$result`, and every compound one
/// as not of the shape looked for, except those the serializer writes itself.
macro_rules! scalars_give {
    ($result:expr) => {
        fn serialize_bool(self, _: bool) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_i8(self, _: i8) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_i16(self, _: i16) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_i32(self, _: i32) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_i64(self, _: i64) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_u8(self, _: u8) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_u16(self, _: u16) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_u32(self, _: u32) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_u64(self, _: u64) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_f32(self, _: f32) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_f64(self, _: f64) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_char(self, _: char) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_unit(self) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<Self::Ok, OtherShape> {
            $result
        }
        fn serialize_newtype_variant<V: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &V,
        ) -> Result<Self::Ok, OtherShape> {
            Err(OtherShape)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, OtherShape> {
            Err(OtherShape)
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, OtherShape> {
            Err(OtherShape)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, OtherShape> {
            Err(OtherShape)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, OtherShape> {
            Err(OtherShape)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, OtherShape> {
            Err(OtherShape)
        }
    };
}

/// The whole event: only its `payload` field is read.
struct EventSerializer<'fields> {
    fields: &'fields mut Vec<FieldIds>,
}

impl<'fields> Serializer for EventSerializer<'fields> {
    type Ok = ();
    type Error = OtherShape;
    type SerializeSeq = Impossible<(), OtherShape>;
    type SerializeTuple = Impossible<(), OtherShape>;
    type SerializeTupleStruct = Impossible<(), OtherShape>;
    type SerializeTupleVariant = Impossible<(), OtherShape>;
    type SerializeMap = Impossible<(), OtherShape>;
    type SerializeStruct = EventFields<'fields>;
    type SerializeStructVariant = Impossible<(), OtherShape>;

    scalars_give!(Err(OtherShape));

    fn serialize_str(self, _: &str) -> Result<(), OtherShape> {
        Err(OtherShape)
    }
    fn serialize_none(self) -> Result<(), OtherShape> {
        Err(OtherShape)
    }
    fn serialize_some<V: Serialize + ?Sized>(self, _: &V) -> Result<(), OtherShape> {
        Err(OtherShape)
    }
    fn serialize_newtype_struct<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &V,
    ) -> Result<(), OtherShape> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, OtherShape> {
        Err(OtherShape)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, OtherShape> {
        Ok(EventFields {
            fields: self.fields,
        })
    }
}

/// The event's fields: the tag is passed over, the payload's fields are read.
struct EventFields<'fields> {
    fields: &'fields mut Vec<FieldIds>,
}

impl SerializeStruct for EventFields<'_> {
    type Ok = ();
    type Error = OtherShape;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), OtherShape> {
        if key == "payload" {
            value.serialize(PayloadSerializer {
                fields: self.fields,
            })?;
        }
        Ok(())
    }

    fn end(self) -> Result<(), OtherShape> {
        Ok(())
    }
}

/// The payload: a struct whose id fields are read.
struct PayloadSerializer<'fields> {
    fields: &'fields mut Vec<FieldIds>,
}

impl<'fields> Serializer for PayloadSerializer<'fields> {
    type Ok = ();
    type Error = OtherShape;
    type SerializeSeq = Impossible<(), OtherShape>;
    type SerializeTuple = Impossible<(), OtherShape>;
    type SerializeTupleStruct = Impossible<(), OtherShape>;
    type SerializeTupleVariant = Impossible<(), OtherShape>;
    type SerializeMap = Impossible<(), OtherShape>;
    type SerializeStruct = PayloadFields<'fields>;
    type SerializeStructVariant = Impossible<(), OtherShape>;

    scalars_give!(Ok(()));

    fn serialize_str(self, _: &str) -> Result<(), OtherShape> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), OtherShape> {
        Ok(())
    }
    fn serialize_some<V: Serialize + ?Sized>(self, value: &V) -> Result<(), OtherShape> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &V,
    ) -> Result<(), OtherShape> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, OtherShape> {
        Err(OtherShape)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, OtherShape> {
        Ok(PayloadFields {
            fields: self.fields,
        })
    }
}

/// The payload's fields: `*_id` fields and the `partner_ids` and `note_ids` lists give ids;
/// the others are not visited.
struct PayloadFields<'fields> {
    fields: &'fields mut Vec<FieldIds>,
}

impl SerializeStruct for PayloadFields<'_> {
    type Ok = ();
    type Error = OtherShape;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), OtherShape> {
        let ids = if key.ends_with("_id") {
            value
                .serialize(IdSerializer)
                .ok()
                .flatten()
                .into_iter()
                .collect()
        } else if key == "partner_ids" || key == "note_ids" {
            value.serialize(IdListSerializer).unwrap_or_default()
        } else {
            return Ok(());
        };
        self.fields.push((key, ids));
        Ok(())
    }

    fn end(self) -> Result<(), OtherShape> {
        Ok(())
    }
}

/// One id: a string that parses as a UUID.
struct IdSerializer;

impl Serializer for IdSerializer {
    type Ok = Option<Uuid>;
    type Error = OtherShape;
    type SerializeSeq = Impossible<Option<Uuid>, OtherShape>;
    type SerializeTuple = Impossible<Option<Uuid>, OtherShape>;
    type SerializeTupleStruct = Impossible<Option<Uuid>, OtherShape>;
    type SerializeTupleVariant = Impossible<Option<Uuid>, OtherShape>;
    type SerializeMap = Impossible<Option<Uuid>, OtherShape>;
    type SerializeStruct = Impossible<Option<Uuid>, OtherShape>;
    type SerializeStructVariant = Impossible<Option<Uuid>, OtherShape>;

    scalars_give!(Ok(None));

    fn serialize_str(self, text: &str) -> Result<Option<Uuid>, OtherShape> {
        Ok(text.parse().ok())
    }
    fn serialize_none(self) -> Result<Option<Uuid>, OtherShape> {
        Ok(None)
    }
    fn serialize_some<V: Serialize + ?Sized>(self, value: &V) -> Result<Option<Uuid>, OtherShape> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &V,
    ) -> Result<Option<Uuid>, OtherShape> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, OtherShape> {
        Err(OtherShape)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, OtherShape> {
        Err(OtherShape)
    }
}

/// A list of ids; items that are not ids are passed over.
struct IdListSerializer;

impl Serializer for IdListSerializer {
    type Ok = Vec<Uuid>;
    type Error = OtherShape;
    type SerializeSeq = IdList;
    type SerializeTuple = Impossible<Vec<Uuid>, OtherShape>;
    type SerializeTupleStruct = Impossible<Vec<Uuid>, OtherShape>;
    type SerializeTupleVariant = Impossible<Vec<Uuid>, OtherShape>;
    type SerializeMap = Impossible<Vec<Uuid>, OtherShape>;
    type SerializeStruct = Impossible<Vec<Uuid>, OtherShape>;
    type SerializeStructVariant = Impossible<Vec<Uuid>, OtherShape>;

    scalars_give!(Ok(Vec::new()));

    fn serialize_str(self, _: &str) -> Result<Vec<Uuid>, OtherShape> {
        Ok(Vec::new())
    }
    fn serialize_none(self) -> Result<Vec<Uuid>, OtherShape> {
        Ok(Vec::new())
    }
    fn serialize_some<V: Serialize + ?Sized>(self, value: &V) -> Result<Vec<Uuid>, OtherShape> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &V,
    ) -> Result<Vec<Uuid>, OtherShape> {
        value.serialize(self)
    }
    fn serialize_seq(self, length: Option<usize>) -> Result<IdList, OtherShape> {
        Ok(IdList(Vec::with_capacity(length.unwrap_or(0))))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, OtherShape> {
        Err(OtherShape)
    }
}

/// The ids of a list so far.
struct IdList(Vec<Uuid>);

impl SerializeSeq for IdList {
    type Ok = Vec<Uuid>;
    type Error = OtherShape;

    fn serialize_element<V: Serialize + ?Sized>(&mut self, value: &V) -> Result<(), OtherShape> {
        if let Ok(Some(id)) = value.serialize(IdSerializer) {
            self.0.push(id);
        }
        Ok(())
    }

    fn end(self) -> Result<Vec<Uuid>, OtherShape> {
        Ok(self.0)
    }
}

/// What `entity_ids` gave when it read the event through a JSON value: the reference the
/// serializers here are tested against.
#[cfg(test)]
pub(crate) fn ids_through_json<T: Serialize>(event: &T) -> Vec<Uuid> {
    let Ok(value) = serde_json::to_value(event) else {
        return Vec::new();
    };
    let payload = value["payload"].as_object().cloned().unwrap_or_default();
    let ordered: std::collections::BTreeMap<_, _> = payload.into_iter().collect();
    let mut ids = Vec::new();
    for (key, field) in ordered {
        if key.ends_with("_id") {
            if let Some(id) = field.as_str().and_then(|text| text.parse().ok()) {
                ids.push(id);
            }
        }
        if key == "partner_ids" || key == "note_ids" {
            for item in field.as_array().cloned().unwrap_or_default() {
                if let Some(id) = item.as_str().and_then(|text| text.parse().ok()) {
                    ids.push(id);
                }
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::Promotion;
    use crate::domain::DomainEvent;

    #[test]
    fn ids_are_read_in_field_name_order_as_through_json() {
        let (board, note, organisation) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let promoted = DomainEvent::NotePromoted {
            board_id: board,
            note_id: note,
            to: Promotion::Organisation(organisation),
            tags: vec!["x".into()],
            priority: 2,
        };
        assert_eq!(payload_ids(&promoted), vec![board, note]);
        assert_eq!(payload_ids(&promoted), ids_through_json(&promoted));

        let (group, first, second) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let grouped = DomainEvent::NotesGrouped {
            board_id: board,
            group_id: group,
            label: "together".into(),
            note_ids: vec![first, second],
        };
        assert_eq!(payload_ids(&grouped), vec![board, group, first, second]);
        assert_eq!(payload_ids(&grouped), ids_through_json(&grouped));
    }
}
