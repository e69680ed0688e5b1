//! Parts a higher layer gives a lower one when the server is composed (plumbing: it names
//! nothing): one shared value per type, set by the composition root (`app::state`) before the
//! state is shared, and read by whoever declared the type — as matching reads the source of
//! its `similarExperience` component, which search provides.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

/// One value per type; cheap to clone.
#[derive(Clone, Default)]
pub struct Extensions(Arc<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl Extensions {
    /// These extensions and `value` (replacing one of the same type).
    pub fn with<T: Any + Send + Sync>(self, value: T) -> Extensions {
        let mut map = Arc::unwrap_or_clone(self.0);
        map.insert(TypeId::of::<T>(), Arc::new(value));
        Extensions(Arc::new(map))
    }

    /// The value of type `T`, if one was given.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>())?.downcast_ref()
    }
}

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Extensions({})", self.0.len())
    }
}
