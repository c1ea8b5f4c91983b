#include "transcript_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>

namespace strato::speech {
namespace {

// Times in milliseconds precision: more digits would be false precision.
double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

}  // namespace

std::string TranscriptJson(const Transcript& t) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("text");
  w.String(t.text.data(), static_cast<rapidjson::SizeType>(t.text.size()));
  w.Key("duration");
  w.Double(Round3(t.audio_seconds));
  w.Key("segments");
  w.StartArray();
  int id = 0;
  for (const Segment& s : t.segments) {
    w.StartObject();
    w.Key("id");
    w.Int(id++);
    w.Key("start");
    w.Double(Round3(s.start));
    w.Key("end");
    w.Double(Round3(s.end));
    w.Key("text");
    w.String(s.text.data(), static_cast<rapidjson::SizeType>(s.text.size()));
    w.Key("words");
    w.StartArray();
    for (const Word& word : s.words) {
      w.StartObject();
      w.Key("word");
      w.String(word.text.data(), static_cast<rapidjson::SizeType>(word.text.size()));
      w.Key("start");
      w.Double(Round3(word.start));
      w.Key("end");
      w.Double(Round3(word.end));
      w.Key("probability");
      w.Double(Round3(word.confidence));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace strato::speech
