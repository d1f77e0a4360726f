//! The macros that declare the C types and functions once and, from the same
//! lines, the tables the layout test compares with the C compiler's view of
//! the header: adding a field the C side grew is one line.

/// A struct's size and its fields, as Rust lays them out.
#[derive(Debug, Clone, Copy)]
pub struct StructLayout {
    /// The C name (`pubrio_error`).
    pub name: &'static str,
    /// `size_of` the Rust mirror.
    pub size: usize,
    /// Every field, in order.
    pub fields: &'static [FieldLayout],
}

/// One field of a [`StructLayout`].
#[derive(Debug, Clone, Copy)]
pub struct FieldLayout {
    /// The C name.
    pub name: &'static str,
    /// `offset_of` in the Rust mirror.
    pub offset: usize,
    /// `size_of` its Rust type.
    pub size: usize,
}

/// An enum's size, signedness and constants, as Rust declares them.
#[derive(Debug, Clone, Copy)]
pub struct EnumLayout {
    /// The C name.
    pub name: &'static str,
    /// `size_of` the Rust type.
    pub size: usize,
    /// Whether the Rust type is signed.
    pub signed: bool,
    /// Every constant and its value.
    pub values: &'static [(&'static str, i64)],
}

/// A declared function: its name, parameter count and linked address.
#[derive(Debug, Clone, Copy)]
pub struct FunctionDecl {
    /// The C name.
    pub name: &'static str,
    /// Number of parameters.
    pub arity: usize,
    /// Where the linker put it (never 0 once linked).
    pub address: usize,
}

/// `#[repr(C)]` structs plus [`STRUCTS`](crate::STRUCTS), their layouts.
macro_rules! c_structs {
    ($( $(#[$m:meta])* pub struct $name:ident {
        $( $(#[$fm:meta])* pub $field:ident : $ty:ty ),* $(,)?
    } )*) => {
        $(
            $(#[$m])*
            #[repr(C)]
            #[derive(Debug, Clone, Copy)]
            pub struct $name { $( $(#[$fm])* pub $field: $ty ),* }
        )*
        /// The layout of every struct above, for the layout test.
        pub const STRUCTS: &[$crate::layout::StructLayout] = &[$(
            $crate::layout::StructLayout {
                name: stringify!($name),
                size: ::std::mem::size_of::<$name>(),
                fields: &[$( $crate::layout::FieldLayout {
                    name: stringify!($field),
                    offset: ::std::mem::offset_of!($name, $field),
                    size: ::std::mem::size_of::<$ty>(),
                } ),*],
            }
        ),*];
    };
}

/// C enums as an integer type and constants (a value this version lacks
/// stays a plain integer, never undefined behaviour), plus
/// [`ENUMS`](crate::ENUMS).
macro_rules! c_enums {
    ($( $(#[$m:meta])* pub enum $name:ident : $repr:ty {
        $( $(#[$vm:meta])* $variant:ident = $value:expr ),* $(,)?
    } )*) => {
        $(
            $(#[$m])*
            pub type $name = $repr;
            $( $(#[$vm])* pub const $variant: $name = $value; )*
        )*
        /// Every enum above and its constants, for the layout test.
        pub const ENUMS: &[$crate::layout::EnumLayout] = &[$(
            $crate::layout::EnumLayout {
                name: stringify!($name),
                size: ::std::mem::size_of::<$name>(),
                signed: <$name>::MIN != 0,
                values: &[$( (stringify!($variant), $variant as i64) ),*],
            }
        ),*];
    };
}

/// Opaque handles (only ever behind a pointer), plus [`OPAQUE`](crate::OPAQUE).
macro_rules! c_opaque {
    ($( $(#[$m:meta])* $name:ident ),* $(,)?) => {
        $(
            $(#[$m])*
            #[repr(C)]
            pub struct $name {
                _private: [u8; 0],
                _not_send_sync_unpin:
                    ::std::marker::PhantomData<(*mut u8, ::std::marker::PhantomPinned)>,
            }
        )*
        /// Every opaque handle above, for the layout test.
        pub const OPAQUE: &[&str] = &[$( stringify!($name) ),*];
    };
}

/// The `extern "C"` block plus [`functions`](crate::functions), each
/// function's name, arity and linked address.
macro_rules! c_functions {
    ($( $(#[$m:meta])* pub fn $name:ident ( $( $arg:ident : $ty:ty ),* $(,)? ) $(-> $ret:ty)? ; )*) => {
        extern "C" {
            $( $(#[$m])* pub fn $name( $( $arg: $ty ),* ) $(-> $ret)?; )*
        }
        /// Every function above, linked: for the layout test.
        pub fn functions() -> Vec<$crate::layout::FunctionDecl> {
            vec![$( $crate::layout::FunctionDecl {
                name: stringify!($name),
                arity: <[&str]>::len(&[$( stringify!($arg) ),*]),
                address: $name as *const () as usize,
            } ),*]
        }
    };
}
