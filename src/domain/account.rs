//! What an account is made of: a username, a password good enough, and
//! what a form or an API call asks for a user.

use crate::domain::password;

/// A login name: 3–64 of a–z, 0–9, `.`, `_`, `-`, stored lower-case.
#[derive(Debug, Clone, PartialEq)]
pub struct Username(String);

impl Username {
    /// Checks a username as typed.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        if crate::domain::forms::has_bidi_controls(s) {
            return Err("err.bidi_chars");
        }
        let s = s.trim().to_lowercase();
        let ok = (3..=64).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if ok {
            Ok(Self(s))
        } else {
            Err("err.username_format")
        }
    }

    /// The stored form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as shown (a user's display name): at most 120
/// characters, no control or text-direction characters.
pub fn check_display_name(s: &str) -> Result<(), &'static str> {
    if s.chars().count() > 120 {
        Err("err.too_long")
    } else if s.chars().any(char::is_control) {
        Err("err.control_chars")
    } else if crate::domain::forms::has_bidi_controls(s) {
        Err("err.bidi_chars")
    } else {
        Ok(())
    }
}

/// A new password: at least [`password::MIN_LEN`] characters, at most 200.
pub fn check_password(s: &str) -> Result<(), &'static str> {
    let n = s.chars().count();
    if n < password::MIN_LEN {
        Err("err.password_short")
    } else if n > 200 {
        Err("err.too_long")
    } else {
        Ok(())
    }
}

/// The ten thousand commonest passwords, most common first, lower-case
/// (data/PROVENANCE.md says where they come from).
static COMMON: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("../../data/common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    });

/// A password a user chooses for themselves: long enough
/// ([`check_password`]), not one of the ten thousand commonest, and not
/// made of their own username or name (a guess anyone near them would try).
pub fn check_new_password(s: &str, username: &str, display_name: &str) -> Result<(), &'static str> {
    check_password(s)?;
    let lower = s.trim().to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return Err("err.password_common");
    }
    let folded = crate::domain::area::fold(s).replace(' ', "");
    let own = [username, display_name]
        .into_iter()
        .map(|n| crate::domain::area::fold(n).replace(' ', ""))
        .filter(|n| n.chars().count() >= 3);
    for n in own {
        if folded.contains(&n) || n.contains(&folded) {
            return Err("err.password_personal");
        }
    }
    Ok(())
}

/// What a form or API call asks for a user.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserInput {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub area_code: String,
    /// On the edit form: "on" when the account is disabled.
    #[serde(default)]
    pub disabled: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_case_ascii_of_sensible_length() {
        assert_eq!(
            Username::parse(" LienNinh.01 ").unwrap().as_str(),
            "lienninh.01"
        );
        assert_eq!(Username::parse("ab"), Err("err.username_format"));
        assert_eq!(Username::parse("liên ninh"), Err("err.username_format"));
        assert_eq!(Username::parse(&"a".repeat(65)), Err("err.username_format"));
        assert_eq!(
            Username::parse("a'; drop table users;--"),
            Err("err.username_format")
        );
        assert_eq!(Username::parse("admin\u{202E}"), Err("err.bidi_chars"));
    }

    #[test]
    fn a_chosen_password_is_neither_common_nor_the_users_own_name() {
        let ok = |p| check_new_password(p, "lienninh", "Cán bộ Xã Liên Ninh");
        assert_eq!(ok("1234567890"), Err("err.password_common"));
        assert_eq!(ok("QWERTYUIOP"), Err("err.password_common"), "in any case");
        assert_eq!(ok("lienninh2021"), Err("err.password_personal"));
        assert_eq!(
            ok("Liên Ninh 2021!"),
            Err("err.password_personal"),
            "accents or not"
        );
        assert_eq!(ok("ngắn"), Err("err.password_short"));
        assert_eq!(ok("rau muống xào tỏi"), Ok(()));
    }

    #[test]
    fn passwords_need_ten_characters_counted_as_letters_not_bytes() {
        assert_eq!(check_password("ngắnquá"), Err("err.password_short"));
        assert_eq!(check_password("đủ mười ký"), Ok(()));
        assert_eq!(check_password(&"x".repeat(201)), Err("err.too_long"));
    }
}
