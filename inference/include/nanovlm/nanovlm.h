#pragma once

// nanovlm — a CPU inference engine for Hugging Face nanoVLM checkpoints (all three generations).
//
// Basic usage:
//
//     auto model = nanovlm::Model::load("/path/to/nanoVLM-230M-8k");   // maps the weights
//     nanovlm::Session session(model);                                // KV cache, scratch
//
//     nanovlm::RgbImage image = ...;                                  // 8-bit RGB pixels
//     auto tiles = nanovlm::preprocess_image(image,
//                                            nanovlm::ImageGeometry::from_config(model->config()));
//     nanovlm::PromptBuilder prompt(*model);                          // generation-specific format
//     std::vector<nanovlm::TokenId> ids = prompt.user_turn("What is in this picture?", {tiles});
//
//     std::atomic<bool> cancel{false};
//     nanovlm::RunControl control{&cancel, [](const nanovlm::Progress&) {}};
//     nanovlm::StreamingDecoder text(*model->tokenizer());
//     auto result = nanovlm::generate(session, ids, {&tiles, 1}, {}, control,
//                                     [&](nanovlm::TokenId id) {
//                                         std::fputs(text.push(id).c_str(), stdout);
//                                         return true;                 // false stops the answer
//                                     });
//
// A follow-up question is another generate() on the same session: what it already read stays in
// its KV cache, so earlier images are not encoded again. Every failure throws nanovlm::Error with
// a message meant for a person.

#include "nanovlm/checkpoint_scanner.h"
#include "nanovlm/config.h"
#include "nanovlm/error.h"
#include "nanovlm/generation.h"
#include "nanovlm/image.h"
#include "nanovlm/model.h"
#include "nanovlm/prompt.h"
#include "nanovlm/runtime.h"
#include "nanovlm/sampler.h"
#include "nanovlm/session.h"
#include "nanovlm/tokenizer.h"
