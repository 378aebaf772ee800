// lang/stack_caps.h — hard caps on nesting that bound the native stack of the
// recursive passes (parser, binder, executor), whatever Limits allow.
//
// Sanitizer builds use frames several times larger (redzones, no inlining),
// so their caps are lower: `make sanitize` runs the same survival tests (100,000
// nested parentheses or NOTs) on an 8 MiB stack.
#ifndef DOCKET_LANG_STACK_CAPS_H_
#define DOCKET_LANG_STACK_CAPS_H_

namespace docket::lang {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DOCKET_BIG_FRAMES 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define DOCKET_BIG_FRAMES 1
#endif
#endif

#ifdef DOCKET_BIG_FRAMES
inline constexpr int kHardDepthCap = 400;          // Syntax tree nesting.
inline constexpr int kHardExpandedDepthCap = 800;  // After segment expansion.
#else
inline constexpr int kHardDepthCap = 2000;
inline constexpr int kHardExpandedDepthCap = 4000;
#endif

}  // namespace docket::lang

#endif  // DOCKET_LANG_STACK_CAPS_H_
