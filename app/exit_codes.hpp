#pragma once
// The exit codes of `rootzone`, after BSD sysexits.h so scripts can tell failures apart.
namespace rootzone::app::exit_code {

inline constexpr int ok = 0;
inline constexpr int usage = 64;        // bad command line
inline constexpr int data = 65;         // input data or store content refused
inline constexpr int no_input = 66;     // a file to read does not exist
inline constexpr int unavailable = 69;  // the command does not run on this kind of store yet
inline constexpr int software = 70;     // a bug: an unexpected exception
inline constexpr int cant_create = 73;  // output file exists or cannot be created
inline constexpr int io = 74;           // the store could not be read or written

}  // namespace rootzone::app::exit_code
